/**
 * src/transport — how the harness talks to a platform under test (client) and how the
 * reference platform reads what comes in (readRequest/writeResponse), for the three bindings.
 */
export {
  type ActionCheck,
  type Binding,
  BindingConfigError,
  type BindingInput,
  type BindingKind,
  DEFAULT_NAMESPACE,
  DEFAULT_OPERATION,
  type HttpActionPlacement,
  type HttpBindingOptions,
  type MessageEncoding,
  httpPathFor,
  isValidAction,
  resolveBinding,
  responseElementName,
  resultElementName,
  soapActionFor,
} from './binding.js';
export { decodeBody, encodeBody, parseContentType, type DecodedBody, type MediaType } from './charset.js';
export { classifyError, type TransportError, type TransportErrorKind } from './classify.js';
export {
  type AuthOptions,
  type ConnectionInfo,
  createTransport,
  type Exchange,
  type ExchangeRequest,
  type ExchangeResponse,
  type SendOptions,
  type TlsOptions,
  type Transport,
  type TransportOptions,
} from './client.js';
export {
  type FaultCode,
  faultStatus,
  type HeaderBag,
  type HttpResponse,
  type PayloadForm,
  readRequest,
  type ReadRequestOptions,
  type ReadRequestResult,
  type ServerFault,
  SOAP11_NS,
  SOAP12_NS,
  type SoapFault,
  type SoapVersion,
  unwrapResponse,
  type UnwrapOptions,
  type UnwrapResult,
  wrapRequest,
  type WrappedRequest,
  writeResponse,
} from './envelope.js';
export { EnvelopeError, type EnvelopeErrorCode, type EnvelopeLimits, type EnvelopeProblem, parseEnvelope } from './envelope-tree.js';
export { ALWAYS_SECRET_HEADERS, REDACTED, redact, redactUrl, Scrubber } from './redact.js';
export { cdata, decodeEntities, EntityError, escapeAttr, escapeText } from './xmltext.js';
