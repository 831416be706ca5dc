import { describe, expect, it } from 'vitest';
import {
  BindingConfigError,
  httpPathFor,
  resolveBinding,
  responseElementName,
  resultElementName,
  soapActionFor,
} from '../../src/transport/index.js';

describe('resolveBinding', () => {
  it('fills the practitioners’ defaults', () => {
    const b = resolveBinding();
    expect(b.kind).toBe('soap11');
    expect(b.operation).toBe('HIPMessageServer');
    expect(b.namespace).toBe('urn:hl7-org:v3');
    expect(b.params).toEqual({ action: 'action', message: 'message' });
    expect(b.paramsQualified).toBe(true);
    expect(b.messageAs).toBe('cdata');
    expect(soapActionFor(b, 'PatientInfoRegister')).toBe('urn:hl7-org:v3/HIPMessageServer');
    expect(responseElementName(b)).toBe('HIPMessageServerResponse');
    expect(resultElementName(b)).toBe('HIPMessageServerResult');
    expect(b.http).toEqual({ actionIn: 'header', actionHeader: 'X-HIP-Action', path: '/hip/{action}', contentType: 'text/xml; charset=utf-8' });
  });

  it('accepts the kind as a shorthand and is idempotent on a resolved binding', () => {
    const b = resolveBinding('soap12');
    expect(b.kind).toBe('soap12');
    expect(resolveBinding(b)).toEqual(b);
  });

  it('takes a DHCC-style vendor binding and templates', () => {
    const b = resolveBinding({
      namespace: 'http://www.dhcc.com.cn/',
      params: { action: 'input1', message: 'input2' },
      soapAction: '{namespace}{operation}/{action}',
      resultElement: '{operation}Return',
    });
    expect(b.params).toEqual({ action: 'input1', message: 'input2' });
    expect(soapActionFor(b, 'PatientInfoRegister')).toBe('http://www.dhcc.com.cn/HIPMessageServer/PatientInfoRegister');
    expect(resultElementName(b)).toBe('HIPMessageServerReturn');
    expect(soapActionFor(resolveBinding({ namespace: 'http://www.dhcc.com.cn/' }), 'X')).toBe('http://www.dhcc.com.cn/HIPMessageServer');
  });

  it('builds the http path only when the action travels in the path', () => {
    expect(httpPathFor(resolveBinding({ kind: 'http' }), 'A')).toBe('');
    expect(httpPathFor(resolveBinding({ kind: 'http', http: { actionIn: 'path' } }), 'PatientInfoRegister')).toBe('/hip/PatientInfoRegister');
    expect(httpPathFor(resolveBinding({ kind: 'http', http: { actionIn: 'both', path: '/svc/{action}/v1' } }), 'A.B')).toBe('/svc/A.B/v1');
  });

  it.each([
    [{ kind: 'soap13' }, 'binding.kind'],
    [{ operation: 'bad name' }, 'binding.operation'],
    [{ params: { action: 'x:y' } }, 'binding.params.action'],
    [{ params: { action: 'm', message: 'm' } }, 'binding.params'],
    [{ soapAction: '{nope}' }, 'binding.soapAction'],
    [{ headers: { 'X-A': 'a\r\nInjected: 1' } }, 'binding.headers.X-A'],
    [{ headers: { 'Content-Length': '1' } }, 'binding.headers.Content-Length'],
    [{ http: { actionIn: 'path', path: '/hip/fixed' } }, 'binding.http.path'],
    [{ charset: 'latin1' }, 'binding.charset'],
    [{ colour: 'red' }, 'binding.colour'],
    [{ extraParams: [{ name: 'action', value: 'x' }] }, 'binding.extraParams[0].name'],
  ])('rejects %j naming %s', (input, option) => {
    let err: unknown;
    try {
      resolveBinding(input as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BindingConfigError);
    expect((err as BindingConfigError).option).toBe(option);
  });
});
