import { responseElementName, resultElementName, soapActionFor, type Binding } from '../transport/binding.js';
import { escapeAttr } from '../xml/node.js';

/**
 * WSDL 1.1 of the SOAP endpoints: one document/literal operation carrying the service code
 * and the V3 message as strings, bound to SOAP 1.1 and SOAP 1.2, names taken from the binding
 * so a client generated from it speaks exactly what /soap11 and /soap12 accept.
 */
export function wsdl(b: Binding, urls: { soap11: string; soap12: string }): string {
  const tns = b.namespace || 'urn:hutong:platform';
  const op = b.operation;
  const resp = responseElementName(b);
  const result = resultElementName(b);
  const qualified = b.paramsQualified ? 'qualified' : 'unqualified';
  const action = escapeAttr(soapActionFor(b, '').replace(/\/$/, '') || `${tns}/${op}`);
  const extra = b.extraParams.map((p) => `<s:element minOccurs="0" name="${p.name}" type="s:string"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:s="http://www.w3.org/2001/XMLSchema"
  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
  xmlns:tns="${escapeAttr(tns)}" targetNamespace="${escapeAttr(tns)}" name="HutongReferencePlatform">
  <wsdl:documentation>hutong 互通 reference platform: WS/T 846 interaction services; action = service code (e.g. PatientInfoRegister), message = HL7 V3 XML.</wsdl:documentation>
  <wsdl:types>
    <s:schema elementFormDefault="${qualified}" targetNamespace="${escapeAttr(tns)}">
      <s:element name="${op}"><s:complexType><s:sequence>
        <s:element minOccurs="1" name="${b.params.action}" type="s:string"/>
        <s:element minOccurs="1" name="${b.params.message}" type="s:string"/>${extra}
      </s:sequence></s:complexType></s:element>
      <s:element name="${resp}"><s:complexType><s:sequence>
        <s:element minOccurs="0" name="${result}" type="s:string"/>
      </s:sequence></s:complexType></s:element>
    </s:schema>
  </wsdl:types>
  <wsdl:message name="${op}SoapIn"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message>
  <wsdl:message name="${op}SoapOut"><wsdl:part name="parameters" element="tns:${resp}"/></wsdl:message>
  <wsdl:portType name="HIPServiceSoap">
    <wsdl:operation name="${op}"><wsdl:input message="tns:${op}SoapIn"/><wsdl:output message="tns:${op}SoapOut"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="HIPServiceSoap11" type="tns:HIPServiceSoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${op}"><soap:operation soapAction="${action}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="HIPServiceSoap12" type="tns:HIPServiceSoap">
    <soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${op}"><soap12:operation soapAction="${action}" style="document"/>
      <wsdl:input><soap12:body use="literal"/></wsdl:input><wsdl:output><soap12:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="HIPService">
    <wsdl:port name="HIPServiceSoap11" binding="tns:HIPServiceSoap11"><soap:address location="${escapeAttr(urls.soap11)}"/></wsdl:port>
    <wsdl:port name="HIPServiceSoap12" binding="tns:HIPServiceSoap12"><soap12:address location="${escapeAttr(urls.soap12)}"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
