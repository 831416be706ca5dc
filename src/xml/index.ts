/** src/xml — the only place that parses XML; catalogue-path evaluation and building. */
export { parseXml, withXml, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type ParseXmlOptions } from './parse.js';
export { XmlInputError, type XmlInputErrorCode } from './errors.js';
export { decodeXmlBytes, declaredEncodingOf, type DecodedXml } from './encoding.js';
export { NS, type NsPrefix } from './ns.js';
export {
  CatalogPathError, parseCatalogPath, pathToString, toXPath, selectPath, selectValue, selectValues, valueOf, nodeLine, xpathOf,
  type CatalogPath, type Step, type Predicate, type QName, type AttrName, type RelPath, type Selected,
} from './path.js';
export { el, serialize, textNode, escapeText, escapeAttr, cdata, stringValue, childrenNamed, TEXT, type XmlNode, type SerializeOptions } from './node.js';
export { buildPath, insertChild, schemaTypeOf, setSchemaType, orderTree, wouldDuplicate, type BuildOptions } from './build.js';
export { cdaOrder, cdaOrderSource, type OrderTable, type TypeOrder } from './order.js';
