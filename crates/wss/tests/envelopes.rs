//! Envelope builders and parsers: exact compact output, round trips, strict schema order,
//! faults as typed errors, AsyncChannel rules, and signed business data that survives
//! being carried in (and signed inside) an envelope.

mod common;

use common::*;
use tanba_wss::{
    sign, verify, AsyncSendMessage, AsyncSendMessageResponse, Data, EnvelopeError, GatewayError,
    MessageType, Property, ResponseInfo, Secret, SendMessage, SendMessageResponse, Sender,
    SignOptions, SoapFault, SoapVersion, Status, VerifyOptions,
};
use time::macros::datetime;

fn full_request() -> SendMessage {
    SendMessage::new(
        "GBDFL_UniversalServiceSync",
        Sender::with_password("login", Secret::new("p&ss<word>")),
    )
    .with_message_id("5f1a2b3c-0000-4000-8000-000000000001")
    .with_correlation_id("corr-1")
    .with_message_date(datetime!(2025-01-31 10:15:30.123 +6))
    .with_route_id("route-7")
    .with_property("CONNECTOR_CLIENT", "true")
    .with_property("k2", "v & 2")
    .with_session_id("{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}")
    .with_data(
        Data::typed_document(
            b"<r><messageId>1</messageId><iin>123456789011</iin></r>",
            "cs",
            "http://message.persistence.interactive.nat",
            "Request",
        )
        .unwrap(),
    )
}

#[test]
fn request_serializes_exactly_as_the_reference_shape() {
    // SMARTBRIDGE.md §9.1, written compactly by hand.
    let expected = concat!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/><soap:Body>"#,
        r#"<sb:SendMessage xmlns:sb="http://bip.bee.kz/SyncChannel/v10/Types"><request><requestInfo>"#,
        r#"<messageId>5f1a2b3c-0000-4000-8000-000000000001</messageId><correlationId>corr-1</correlationId>"#,
        r#"<serviceId>GBDFL_UniversalServiceSync</serviceId><messageDate>2025-01-31T10:15:30.123+06:00</messageDate>"#,
        r#"<routeId>route-7</routeId><sender><senderId>login</senderId><password>p&amp;ss&lt;word&gt;</password></sender>"#,
        r#"<properties><key>CONNECTOR_CLIENT</key><value>true</value></properties><properties><key>k2</key><value>v &amp; 2</value></properties>"#,
        r#"<sessionId>{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}</sessionId></requestInfo><requestData>"#,
        r#"<data xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cs="http://message.persistence.interactive.nat" xsi:type="cs:Request">"#,
        r#"<r><messageId>1</messageId><iin>123456789011</iin></r></data></requestData></request></sb:SendMessage></soap:Body></soap:Envelope>"#
    );
    assert_eq!(
        full_request().to_xml(SoapVersion::Soap11).unwrap(),
        expected
    );
}

#[test]
fn request_round_trips_in_soap_11_and_12() {
    for v in [SoapVersion::Soap11, SoapVersion::Soap12] {
        let msg = full_request();
        let xml = msg.to_xml(v).unwrap();
        assert_eq!(SendMessage::parse(xml.as_bytes()).unwrap(), msg, "{v:?}");
    }
    // minimal request, every data form
    for data in [
        None,
        Some(Data::inline_document(b"<?xml version=\"1.0\"?><a><b>x</b></a>").unwrap()),
        Some(Data::String("<not>parsed</not> & text\r\nwith CR".into())),
    ] {
        let mut msg = SendMessage::new("S", Sender::new("x"));
        msg.data = data;
        let xml = msg.to_xml(SoapVersion::Soap11).unwrap();
        assert_eq!(SendMessage::parse(xml.as_bytes()).unwrap(), msg);
    }
}

#[test]
fn default_message_id_is_a_fresh_uuid_and_date_has_an_offset() {
    let a = SendMessage::new("S", Sender::new("x"));
    let b = SendMessage::new("S", Sender::new("x"));
    assert!(tanba_wss::uuid::is_uuid(&a.info.message_id));
    assert_ne!(a.info.message_id, b.info.message_id);
    let xml = a.to_xml(SoapVersion::Soap11).unwrap();
    let d = &xml[xml.find("<messageDate>").unwrap() + 13..xml.find("</messageDate>").unwrap()];
    assert!(d.ends_with('Z') && d.len() == 24, "{d}");
}

#[test]
fn password_never_appears_in_debug_output() {
    let msg = full_request();
    let dbg = format!("{msg:?}");
    assert!(!dbg.contains("p&ss<word>"), "{dbg}");
    assert!(dbg.contains("Secret(***)"));
}

#[test]
fn builder_values_are_validated() {
    let long_key = SendMessage::new("S", Sender::new("x")).with_property("k".repeat(31), "v");
    assert!(
        matches!(long_key.to_xml(SoapVersion::Soap11), Err(EnvelopeError::InvalidValue { ref field, .. }) if field == "properties/key")
    );
    let bad_session = SendMessage::new("S", Sender::new("x")).with_session_id("no-braces");
    assert!(bad_session.to_xml(SoapVersion::Soap11).is_err());
    let empty_service = SendMessage::new(" ", Sender::new("x"));
    assert!(empty_service.to_xml(SoapVersion::Soap11).is_err());
    let empty_sender = SendMessage::new("S", Sender::new(""));
    assert!(empty_sender.to_xml(SoapVersion::Soap11).is_err());
}

#[test]
fn schema_order_namespaces_and_structure_are_enforced() {
    let good = full_request().to_xml(SoapVersion::Soap11).unwrap();
    let cases = [
        // P1: default-namespace leak puts request into the Types namespace
        (
            good.replace(
                "<sb:SendMessage xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\"><request>",
                "<SendMessage xmlns=\"http://bip.bee.kz/SyncChannel/v10/Types\"><request>",
            )
            .replace("</sb:SendMessage>", "</SendMessage>"),
            "must be unqualified",
        ),
        // serviceId before messageId
        (
            good.replace(
                "<messageId>5f1a2b3c-0000-4000-8000-000000000001</messageId><correlationId>corr-1</correlationId><serviceId>GBDFL_UniversalServiceSync</serviceId>",
                "<serviceId>GBDFL_UniversalServiceSync</serviceId><messageId>5f1a2b3c-0000-4000-8000-000000000001</messageId><correlationId>corr-1</correlationId>",
            ),
            "requestInfo/messageId",
        ),
        // unknown element
        (good.replace("<routeId>", "<extra/><routeId>"), "sender: missing (found <extra>)"),
        (good.replace("</requestInfo>", "<extra/></requestInfo>"), "unexpected <extra>"),
        // missing requestData
        (
            good.replace(&good[good.find("<requestData>").unwrap()..good.find("</request>").unwrap()], ""),
            "requestData",
        ),
        // date without offset
        (good.replace("10:15:30.123+06:00", "10:15:30.123"), "offset"),
        // not SOAP
        (good.replace("http://schemas.xmlsoap.org/soap/envelope/", "urn:x"), "not a SOAP"),
        // wrong operation
        (good.replace("SendMessage", "SendMessageX"), "expected {http://bip.bee.kz/SyncChannel/v10/Types}SendMessage"),
        // malformed XML
        (good.replace("</soap:Envelope>", ""), "malformed"),
    ];
    for (xml, want) in cases {
        let e = SendMessage::parse(xml.as_bytes()).unwrap_err();
        assert!(e.to_string().contains(want), "want {want:?}, got: {e}");
    }
}

#[test]
fn response_round_trips_and_reads_the_string_form() {
    let resp = SendMessageResponse {
        info: ResponseInfo {
            message_id: "r-1".into(),
            correlation_id: None,
            response_date: datetime!(2025-02-01 09:00:00 +6),
            status: Status {
                code: "Success".into(),
                message: "ОК".into(),
            },
            session_id: Some("{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}".into()),
        },
        data: Some(Data::String("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ns2:response xmlns:ns2=\"urn:r\">ok</ns2:response>".into())),
    };
    for v in [SoapVersion::Soap11, SoapVersion::Soap12] {
        let xml = resp.to_xml(v).unwrap();
        assert!(xml.contains("xsi:type=\"xs:string\">&lt;?xml version=\"1.0\""));
        assert_eq!(SendMessageResponse::parse(xml.as_bytes()).unwrap(), resp);
    }
    // a string carried without xsi:type (one Python client) is read as a string too
    let xml = resp
        .to_xml(SoapVersion::Soap11)
        .unwrap()
        .replace(" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\"", "");
    assert_eq!(
        SendMessageResponse::parse(xml.as_bytes()).unwrap().data,
        resp.data
    );
    // status message over 250 characters is refused when building
    let mut long = resp.clone();
    long.info.status.message = "я".repeat(251);
    assert!(long.to_xml(SoapVersion::Soap11).is_err());
}

#[test]
fn gateway_faults_become_typed_errors() {
    // SMARTBRIDGE.md §9.4, composed by hand (SOAP 1.1, nested subError)
    let xml = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Ошибка</faultstring><detail><ns2:SendMessageFault1_SendMessageFault xmlns:ns2="http://bip.bee.kz/SyncChannel/v10/Types"><errorCode>SCE0001</errorCode><errorMessage>Service not found</errorMessage><errorData>serviceId=X</errorData><errorDate>2025-01-31T10:15:30.123+06:00</errorDate><subError><errorCode>E2</errorCode><errorMessage>inner</errorMessage><errorDate>2025-01-31T10:15:30.123+06:00</errorDate></subError><sessionId>{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}</sessionId></ns2:SendMessageFault1_SendMessageFault></detail></soap:Fault></soap:Body></soap:Envelope>"#;
    let e = SendMessageResponse::parse(xml.as_bytes()).unwrap_err();
    let EnvelopeError::Fault(f) = &e else {
        panic!("expected a fault, got {e}")
    };
    assert_eq!(f.code, "soap:Server");
    assert_eq!(f.reason, "Ошибка");
    let g = f.gateway.as_ref().unwrap();
    assert_eq!(g.element, "SendMessageFault1_SendMessageFault");
    assert_eq!(g.error_code, "SCE0001");
    assert_eq!(g.error_data.as_deref(), Some("serviceId=X"));
    assert_eq!(g.sub_error.as_ref().unwrap().error_code, "E2");
    assert!(
        e.to_string()
            .contains("SCE0001: Service not found (serviceId=X); caused by E2: inner"),
        "{e}"
    );
    // our fault writer, both versions, round-trips
    for version in [SoapVersion::Soap11, SoapVersion::Soap12] {
        let fault = SoapFault {
            version,
            code: "soap:Client".into(),
            reason: "bad".into(),
            actor: None,
            gateway: Some(GatewayError {
                element: "SendMessageFault1_SendMessageFault".into(),
                error_code: "C".into(),
                error_message: "M".into(),
                error_data: None,
                error_date: "2025-01-31T10:15:30Z".into(),
                sub_error: None,
                session_id: None,
            }),
            detail_text: None,
        };
        let e = SendMessage::parse(fault.to_envelope().as_bytes()).unwrap_err();
        assert_eq!(e, EnvelopeError::Fault(Box::new(fault)));
    }
    // a plain fault without gateway detail; a malformed gateway detail is a schema error
    let plain = r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Client</faultcode><faultstring>nope</faultstring></S:Fault></S:Body></S:Envelope>"#;
    assert!(
        matches!(SendMessageResponse::parse(plain.as_bytes()), Err(EnvelopeError::Fault(f)) if f.gateway.is_none() && f.reason == "nope")
    );
    let broken = xml.replace("<errorCode>SCE0001</errorCode>", "");
    assert!(matches!(
        SendMessageResponse::parse(broken.as_bytes()),
        Err(EnvelopeError::Schema { .. })
    ));
}

#[test]
fn async_channel_messages() {
    let data = Data::inline_document(b"<doc>1</doc>").unwrap();
    let m = AsyncSendMessage::new(
        "SVC",
        MessageType::Request,
        Sender::new("login"),
        data.clone(),
    );
    let xml = m.to_xml(SoapVersion::Soap11).unwrap();
    assert!(xml.contains("<as:sendMessage xmlns:as=\"http://bip.bee.kz/AsyncChannel/v10/Types\"><request><messageInfo><serviceId>SVC</serviceId><messageType>REQUEST</messageType><messageDate>"));
    assert_eq!(AsyncSendMessage::parse(xml.as_bytes()).unwrap(), m);
    // correlationId rules
    assert!(m
        .clone()
        .with_correlation_id("c")
        .to_xml(SoapVersion::Soap11)
        .is_err());
    let resp_msg = AsyncSendMessage::new("SVC", MessageType::Response, Sender::new("l"), data);
    assert!(resp_msg.to_xml(SoapVersion::Soap11).is_err());
    let ok = resp_msg.with_correlation_id("c-1");
    let xml = ok.to_xml(SoapVersion::Soap12).unwrap();
    assert_eq!(AsyncSendMessage::parse(xml.as_bytes()).unwrap(), ok);
    // the response
    let r = AsyncSendMessageResponse {
        message_id: "m".into(),
        correlation_id: "c".into(),
        response_date: datetime!(2025-01-01 00:00:00 UTC),
        session_id: None,
    };
    assert_eq!(
        AsyncSendMessageResponse::parse(r.to_xml(SoapVersion::Soap11).unwrap().as_bytes()).unwrap(),
        r
    );
    // an unknown messageType
    let bad = xml.replace("RESPONSE", "ANSWER");
    assert!(AsyncSendMessage::parse(bad.as_bytes())
        .unwrap_err()
        .to_string()
        .contains("ANSWER"));
}

/// A business document signed with tanba-dsig (the Kalkan enveloped profile).
fn signed_business_doc() -> Vec<u8> {
    let doc = "<ul:Request xmlns:ul=\"http://gbdulinfobybin_v2.egp.gbdul.tamur.kz\"><RequestorBIN>123456789021</RequestorBIN><BIN>123456789021</BIN></ul:Request>";
    let signed = tanba_dsig::sign(
        doc.as_bytes(),
        &rsa_signer(),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap();
    let report = tanba_dsig::verify(&signed, &tanba_dsig::VerifyOptions::default()).unwrap();
    assert!(report.all_valid());
    signed
}

fn business_signature_verifies(bytes: &[u8]) -> bool {
    tanba_dsig::verify(bytes, &tanba_dsig::VerifyOptions::default())
        .map(|r| r.all_valid())
        .unwrap_or(false)
}

#[test]
fn signed_business_data_survives_the_envelope_and_the_transport_signature() {
    let doc = signed_business_doc();
    for (data, label) in [
        (Data::escaped_document(&doc).unwrap(), "escaped string"),
        (Data::inline_document(&doc).unwrap(), "inline"),
    ] {
        let env = SendMessage::new("GbdulInfoByBin_v2", Sender::new("login"))
            .with_data(data)
            .to_xml(SoapVersion::Soap11)
            .unwrap();
        let signed_env = sign(env.as_bytes(), &rsa_signer(), &SignOptions::new()).unwrap();
        verify(&signed_env, &VerifyOptions::default()).unwrap();
        let back = SendMessage::parse(&signed_env).unwrap();
        let extracted = back.data.unwrap();
        assert!(
            business_signature_verifies(extracted.content().as_bytes()),
            "{label}: the business signature no longer verifies after extraction"
        );
        // and the check is not vacuous: altering the extracted business data breaks it
        let altered = extracted
            .content()
            .replace("<BIN>123456789021", "<BIN>123456789022");
        assert!(!business_signature_verifies(altered.as_bytes()), "{label}");
    }
    // the escaped string is byte-for-byte the signed document
    let env = SendMessage::new("S", Sender::new("l"))
        .with_data(Data::escaped_document(&doc).unwrap())
        .to_xml(SoapVersion::Soap11)
        .unwrap();
    assert_eq!(
        SendMessage::parse(env.as_bytes())
            .unwrap()
            .data
            .unwrap()
            .content()
            .as_bytes(),
        &doc[..]
    );
}

#[test]
fn property_helper_and_sender_constructors() {
    let p = Property::new("a", "b");
    assert_eq!((p.key.as_str(), p.value.as_str()), ("a", "b"));
    assert!(Sender::new("x").password.is_none());
}

#[test]
fn async_get_messages_and_status_round_trip() {
    use tanba_wss::{
        AsyncGetMessageStatus, AsyncGetMessageStatusResponse, AsyncGetMessages,
        AsyncGetMessagesResponse, AsyncMessage, MessageState,
    };
    let req = AsyncGetMessages {
        message_id: None,
        correlation_id: Some("c-1".into()),
        request_date: Some(datetime!(2025-01-31 10:00:00 +5)),
        service_id: "SVC".into(),
        sender: Some(Sender::with_password("login", Secret::new("pw"))),
        amount: Some(10),
        properties: vec![Property::new("k", "v")],
    };
    let xml = req.to_xml(SoapVersion::Soap11).unwrap();
    assert!(xml.contains("<as:getMessages xmlns:as=\"http://bip.bee.kz/AsyncChannel/v10/Types\"><request><correlationId>c-1</correlationId><requestDate>2025-01-31T10:00:00.000+05:00</requestDate><serviceId>SVC</serviceId><sender>"));
    assert!(xml.contains("</sender><amount>10</amount><properties>"));
    assert_eq!(AsyncGetMessages::parse(xml.as_bytes()).unwrap(), req);
    assert!(
        AsyncGetMessages::parse(xml.replace(">10<", ">ten<").as_bytes())
            .unwrap_err()
            .to_string()
            .contains("amount")
    );

    let m = AsyncSendMessage::new(
        "SVC",
        MessageType::Response,
        Sender::new("gw"),
        Data::String("<x/>".into()),
    )
    .with_correlation_id("c-1");
    let resp = AsyncGetMessagesResponse {
        response_date: datetime!(2025-01-31 10:00:01 UTC),
        session_id: "{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}".into(),
        messages: vec![
            AsyncMessage {
                info: m.info.clone(),
                data: m.data.clone(),
            };
            2
        ],
    };
    let xml = resp.to_xml(SoapVersion::Soap11).unwrap();
    assert_eq!(
        AsyncGetMessagesResponse::parse(xml.as_bytes()).unwrap(),
        resp
    );

    let st = AsyncGetMessageStatus {
        message_id: "m-1".into(),
        request_date: datetime!(2025-01-31 10:00:00 UTC),
        sender: Sender::new("login"),
        properties: vec![],
    };
    let xml = st.to_xml(SoapVersion::Soap12).unwrap();
    assert_eq!(AsyncGetMessageStatus::parse(xml.as_bytes()).unwrap(), st);
    let sr = AsyncGetMessageStatusResponse {
        message_state: MessageState::Delivered,
        status_code: "OK".into(),
        status_message: "доставлено".into(),
        status_date: datetime!(2025-01-31 10:00:00 UTC),
        response_date: datetime!(2025-01-31 10:00:02 UTC),
        session_id: None,
    };
    let xml = sr.to_xml(SoapVersion::Soap11).unwrap();
    assert!(xml.contains(
        "<response><messageState>DELIVERED</messageState><status><statusCode>OK</statusCode>"
    ));
    assert_eq!(
        AsyncGetMessageStatusResponse::parse(xml.as_bytes()).unwrap(),
        sr
    );
    assert!(
        AsyncGetMessageStatusResponse::parse(xml.replace("DELIVERED", "LOST").as_bytes()).is_err()
    );
    // the async fault element name (lower-case) is read as the gateway detail
    let fault = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>x</faultstring><detail><ns0:getMessageStatusFault1_getMessageStatusFault xmlns:ns0="http://bip.bee.kz/AsyncChannel/v10/Types"><errorCode>E</errorCode><errorMessage>m</errorMessage><errorDate>2025-01-31T10:00:00Z</errorDate></ns0:getMessageStatusFault1_getMessageStatusFault></detail></soap:Fault></soap:Body></soap:Envelope>"#;
    assert!(matches!(
        AsyncGetMessageStatusResponse::parse(fault.as_bytes()),
        Err(EnvelopeError::Fault(f)) if f.gateway.as_ref().is_some_and(|g| g.element == "getMessageStatusFault1_getMessageStatusFault")
    ));
}

#[test]
fn async_delivery_notification_round_trips() {
    use tanba_wss::{
        AsyncSendDeliveryNotification, AsyncSendDeliveryNotificationResponse, DeliveryStatus,
    };
    let n = AsyncSendDeliveryNotification {
        message_id: "m-1".into(),
        service_id: "SVC".into(),
        notification_date: datetime!(2025-01-31 10:00:00 +5),
        delivery_status: DeliveryStatus {
            accepted: false,
            status_date: datetime!(2025-01-31 10:00:01 +5),
            resend: true,
            error: Some(GatewayError {
                element: "error".into(),
                error_code: "E1".into(),
                error_message: "schema".into(),
                error_data: None,
                error_date: "2025-01-31T10:00:01.000+05:00".into(),
                sub_error: None,
                session_id: None,
            }),
        },
        request_date: datetime!(2025-01-31 10:00:02 +5),
        sender: Some(Sender::new("login")),
    };
    let xml = n.to_xml(SoapVersion::Soap11).unwrap();
    // the schema's own spelling of the enumeration value
    assert!(xml.contains("<deliveryStatus><receiveStatus>MESSAGE_NOT_ACCTEPTED</receiveStatus>"));
    assert!(xml.contains("<resendMessage>RESEND</resendMessage><error><errorCode>E1</errorCode>"));
    assert_eq!(
        AsyncSendDeliveryNotification::parse(xml.as_bytes()).unwrap(),
        n
    );
    assert!(
        AsyncSendDeliveryNotification::parse(xml.replace("RESEND<", "MAYBE<").as_bytes()).is_err()
    );
    let r = AsyncSendDeliveryNotificationResponse {
        notification_id: "n-1".into(),
        response_date: datetime!(2025-01-31 10:00:03 UTC),
        session_id: "{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}".into(),
    };
    let xml = r.to_xml(SoapVersion::Soap12).unwrap();
    assert_eq!(
        AsyncSendDeliveryNotificationResponse::parse(xml.as_bytes()).unwrap(),
        r
    );
}
