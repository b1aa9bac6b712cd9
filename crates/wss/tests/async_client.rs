//! The AsyncChannel recipient-side ("client") interface, SMARTBRIDGE.md §4: `sendMessage`
//! pushed by ШЭП and `changeMassageStatusNotification` (sic), with their responses.

mod common;

use common::*;
use tanba_wss::{
    sign, verify, AsyncMessageInfo, AsyncSendMessage, AsyncSendMessageResponse,
    ChangeStatusNotification, ClientChangeStatusNotification,
    ClientChangeStatusNotificationResponse, Data, EnvelopeError, GatewayError, MessageState,
    MessageStatusInfo, MessageType, Property, Sender, SignOptions, SignedPart, SoapVersion,
    VerifyOptions, WssError,
};
use time::macros::datetime;

const CLIENT_NS: &str = "http://bip.bee.kz/AsyncChannel/v10/Types/Client";
const SESSION: &str = "{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}";

/// A message as ШЭП pushes it: messageId, correlationId and sessionId filled by the gateway.
fn pushed() -> AsyncSendMessage {
    AsyncSendMessage {
        info: AsyncMessageInfo {
            message_id: Some("7f3e1c2a-0000-4000-8000-000000000001".into()),
            correlation_id: Some("7f3e1c2a-0000-4000-8000-000000000002".into()),
            service_id: "LICENSE_STATUS".into(),
            message_type: MessageType::Request,
            route_id: Some("route-1".into()),
            message_date: datetime!(2026-11-22 10:15:30.123 +5),
            sender: Sender::new("shep"),
            properties: vec![Property::new("region", "Алматы & <обл>")],
            session_id: Some(SESSION.into()),
        },
        data: Data::inline_document(b"<license><number>KZ-1</number></license>").unwrap(),
    }
}

fn notification(error: Option<GatewayError>) -> ClientChangeStatusNotification {
    ClientChangeStatusNotification {
        notification: ChangeStatusNotification {
            notification_id: "n-42".into(),
            message_id: "m-7".into(),
            notification_date: datetime!(2026-11-22 10:00:00.500 +5),
            message_state: MessageState::NotDelivered,
            status: MessageStatusInfo {
                status_code: "DELIVERY_ERROR".into(),
                status_message: "recipient unavailable".into(),
                status_date: datetime!(2026-11-22 09:59:59.000 UTC),
            },
            error,
        },
        request_date: datetime!(2026-11-22 10:00:01.000 +5),
        session_id: Some(SESSION.into()),
    }
}

fn gateway_error() -> GatewayError {
    GatewayError {
        element: "error".into(),
        error_code: "E42".into(),
        error_message: "timeout".into(),
        error_data: Some("after 3 attempts".into()),
        error_date: "2026-11-22T09:59:58.000+05:00".into(),
        sub_error: None,
        session_id: None,
    }
}

fn schema_path(e: EnvelopeError) -> String {
    match e {
        EnvelopeError::Schema { path, .. } => path,
        other => panic!("expected a Schema error, got {other:?}"),
    }
}

#[test]
fn change_status_notification_serializes_exactly() {
    let xml = notification(Some(gateway_error()))
        .to_xml(SoapVersion::Soap11)
        .unwrap();
    // Written by hand from SMARTBRIDGE.md §3.4/§4: the misspelled global element in the
    // Client namespace, unqualified children in schema order.
    let expected = concat!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body>",
        "<as:changeMassageStatusNotification xmlns:as=\"http://bip.bee.kz/AsyncChannel/v10/Types/Client\">",
        "<request><notification>",
        "<notificationId>n-42</notificationId>",
        "<messageId>m-7</messageId>",
        "<notificationDate>2026-11-22T10:00:00.500+05:00</notificationDate>",
        "<messageState>NOT_DELIVERED</messageState>",
        "<status><statusCode>DELIVERY_ERROR</statusCode><statusMessage>recipient unavailable</statusMessage><statusDate>2026-11-22T09:59:59.000Z</statusDate></status>",
        "<error><errorCode>E42</errorCode><errorMessage>timeout</errorMessage><errorData>after 3 attempts</errorData><errorDate>2026-11-22T09:59:58.000+05:00</errorDate></error>",
        "</notification>",
        "<requestDate>2026-11-22T10:00:01.000+05:00</requestDate>",
        "<sessionId>{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}</sessionId>",
        "</request></as:changeMassageStatusNotification>",
        "</soap:Body></soap:Envelope>"
    );
    assert_eq!(xml, expected);
    // And the hand-written text parses to the same values.
    assert_eq!(
        ClientChangeStatusNotification::parse(expected.as_bytes()).unwrap(),
        notification(Some(gateway_error()))
    );
}

#[test]
fn client_messages_round_trip_in_soap_11_and_12() {
    for version in [SoapVersion::Soap11, SoapVersion::Soap12] {
        let m = pushed();
        let xml = m.to_client_xml(version).unwrap();
        assert!(xml.contains(version.namespace()));
        assert!(xml.contains(&format!("<as:sendMessage xmlns:as=\"{CLIENT_NS}\"><request><messageInfo><messageId>7f3e1c2a-0000-4000-8000-000000000001</messageId>")));
        assert_eq!(AsyncSendMessage::parse_client(xml.as_bytes()).unwrap(), m);

        let r = AsyncSendMessageResponse {
            message_id: "7f3e1c2a-0000-4000-8000-000000000001".into(),
            correlation_id: "7f3e1c2a-0000-4000-8000-000000000002".into(),
            response_date: datetime!(2026-11-22 10:15:31.000 +5),
            session_id: Some(SESSION.into()),
        };
        let xml = r.to_client_xml(version).unwrap();
        assert!(xml.contains(&format!(
            "<as:sendMessageResponse xmlns:as=\"{CLIENT_NS}\"><response><messageId>"
        )));
        assert_eq!(
            AsyncSendMessageResponse::parse_client(xml.as_bytes()).unwrap(),
            r
        );

        for n in [notification(None), notification(Some(gateway_error()))] {
            let xml = n.to_xml(version).unwrap();
            assert_eq!(
                ClientChangeStatusNotification::parse(xml.as_bytes()).unwrap(),
                n
            );
        }
        let mut without_session = notification(None);
        without_session.session_id = None;
        without_session.notification.message_state = MessageState::DeliveryStopped;
        let xml = without_session.to_xml(version).unwrap();
        assert!(!xml.contains("<sessionId>"));
        assert!(xml.contains("<messageState>DELIVERY_STOPPED</messageState>"));
        assert_eq!(
            ClientChangeStatusNotification::parse(xml.as_bytes()).unwrap(),
            without_session
        );

        let resp = ClientChangeStatusNotificationResponse {
            response_date: datetime!(2026-11-22 10:00:02.000 +5),
            session_id: SESSION.into(),
        };
        let xml = resp.to_xml(version).unwrap();
        assert!(xml.contains(&format!("<as:changeMassageStatusNotificationResponse xmlns:as=\"{CLIENT_NS}\"><response><responseDate>2026-11-22T10:00:02.000+05:00</responseDate><sessionId>{SESSION}</sessionId></response></as:changeMassageStatusNotificationResponse>")));
        assert_eq!(
            ClientChangeStatusNotificationResponse::parse(xml.as_bytes()).unwrap(),
            resp
        );
    }
}

#[test]
fn every_message_state_round_trips() {
    for (state, wire) in [
        (MessageState::OnDelivery, "ON_DELIVERY"),
        (MessageState::Delivered, "DELIVERED"),
        (MessageState::NotDelivered, "NOT_DELIVERED"),
        (MessageState::DeliveryStopped, "DELIVERY_STOPPED"),
    ] {
        let mut n = notification(None);
        n.notification.message_state = state;
        let xml = n.to_xml(SoapVersion::Soap11).unwrap();
        assert!(xml.contains(&format!("<messageState>{wire}</messageState>")));
        assert_eq!(
            ClientChangeStatusNotification::parse(xml.as_bytes()).unwrap(),
            n
        );
    }
    let xml = notification(None).to_xml(SoapVersion::Soap11).unwrap();
    let bad = xml.replace("NOT_DELIVERED", "LOST");
    match ClientChangeStatusNotification::parse(bad.as_bytes()).unwrap_err() {
        EnvelopeError::InvalidValue { field, detail } => {
            assert_eq!(
                field,
                "changeMassageStatusNotification/request/notification/messageState"
            );
            assert!(detail.contains("LOST"), "{detail}");
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

#[test]
fn the_misspelled_wire_name_and_the_client_namespace_are_required() {
    let xml = notification(None).to_xml(SoapVersion::Soap11).unwrap();
    assert!(xml.contains("<as:changeMassageStatusNotification "));
    assert!(!xml.contains("changeMessageStatusNotification"));
    // The "corrected" spelling is not the operation.
    let corrected = xml.replace("changeMassage", "changeMessage");
    match ClientChangeStatusNotification::parse(corrected.as_bytes()).unwrap_err() {
        EnvelopeError::Schema { path, detail } => {
            assert_eq!(path, "Body");
            assert!(
                detail.contains("changeMassageStatusNotification"),
                "{detail}"
            );
            assert!(detail.contains("found {http://bip.bee.kz/AsyncChannel/v10/Types/Client}changeMessageStatusNotification"), "{detail}");
        }
        other => panic!("expected Schema, got {other:?}"),
    }
    // Same for the response.
    let resp = ClientChangeStatusNotificationResponse {
        response_date: datetime!(2026-11-22 10:00:02.000 +5),
        session_id: SESSION.into(),
    }
    .to_xml(SoapVersion::Soap11)
    .unwrap();
    assert!(ClientChangeStatusNotificationResponse::parse(
        resp.replace("Massage", "Message").as_bytes()
    )
    .is_err());
    // The gateway-side namespace is not the client one, in both directions.
    let gateway_ns = "http://bip.bee.kz/AsyncChannel/v10/Types\"";
    let wrong_ns = xml.replace(&format!("{CLIENT_NS}\""), gateway_ns);
    assert_eq!(
        schema_path(ClientChangeStatusNotification::parse(wrong_ns.as_bytes()).unwrap_err()),
        "Body"
    );
    let push = pushed().to_client_xml(SoapVersion::Soap11).unwrap();
    assert_eq!(
        schema_path(AsyncSendMessage::parse(push.as_bytes()).unwrap_err()),
        "Body"
    );
    let gateway_send = AsyncSendMessage::new(
        "SVC",
        MessageType::Request,
        Sender::new("login"),
        Data::inline_document(b"<x/>").unwrap(),
    )
    .to_xml(SoapVersion::Soap11)
    .unwrap();
    assert_eq!(
        schema_path(AsyncSendMessage::parse_client(gateway_send.as_bytes()).unwrap_err()),
        "Body"
    );
}

#[test]
fn missing_fields_and_wrong_order_name_the_element() {
    let xml = notification(Some(gateway_error()))
        .to_xml(SoapVersion::Soap11)
        .unwrap();
    let np = "changeMassageStatusNotification/request/notification";
    // (the element removed, the path the error must name)
    let cases = [
        (
            "<notificationId>n-42</notificationId>",
            "notification/notificationId",
        ),
        ("<messageId>m-7</messageId>", "notification/messageId"),
        (
            "<notificationDate>2026-11-22T10:00:00.500+05:00</notificationDate>",
            "notification/notificationDate",
        ),
        (
            "<messageState>NOT_DELIVERED</messageState>",
            "notification/messageState",
        ),
        (
            "<statusCode>DELIVERY_ERROR</statusCode>",
            "notification/status/statusCode",
        ),
        (
            "<statusDate>2026-11-22T09:59:59.000Z</statusDate>",
            "notification/status/statusDate",
        ),
        ("<errorCode>E42</errorCode>", "notification/error/errorCode"),
        (
            "<requestDate>2026-11-22T10:00:01.000+05:00</requestDate>",
            "requestDate",
        ),
    ];
    for (removed, rel) in cases {
        assert!(xml.contains(removed), "{removed}");
        let bad = xml.replace(removed, "");
        let path = format!("changeMassageStatusNotification/request/{rel}");
        let e = ClientChangeStatusNotification::parse(bad.as_bytes()).unwrap_err();
        assert_eq!(schema_path(e.clone()), path, "{e}");
        assert!(e.to_string().contains("missing"), "{e}");
    }
    // status missing entirely: the error names it and what was found instead.
    let start = xml.find("<status>").unwrap();
    let end = xml.find("</status>").unwrap() + "</status>".len();
    let no_status = format!("{}{}", &xml[..start], &xml[end..]);
    let e = ClientChangeStatusNotification::parse(no_status.as_bytes()).unwrap_err();
    assert!(
        e.to_string()
            .contains(&format!("{np}/status: missing (found <error>)")),
        "{e}"
    );

    // Wrong order: messageId before notificationId.
    let swapped = xml.replace(
        "<notificationId>n-42</notificationId><messageId>m-7</messageId>",
        "<messageId>m-7</messageId><notificationId>n-42</notificationId>",
    );
    let e = ClientChangeStatusNotification::parse(swapped.as_bytes()).unwrap_err();
    assert_eq!(schema_path(e.clone()), format!("{np}/notificationId"));
    assert!(e.to_string().contains("found <messageId>"), "{e}");
    // Wrong order: sessionId before requestDate.
    let swapped = xml.replace(
        "<requestDate>2026-11-22T10:00:01.000+05:00</requestDate><sessionId>{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}</sessionId>",
        "<sessionId>{0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10}</sessionId><requestDate>2026-11-22T10:00:01.000+05:00</requestDate>",
    );
    let e = ClientChangeStatusNotification::parse(swapped.as_bytes()).unwrap_err();
    assert_eq!(
        schema_path(e.clone()),
        "changeMassageStatusNotification/request/requestDate"
    );
    // Wrong order: error before status → status is missing (found <error>).
    let status = &xml[start..end];
    let err_start = xml.find("<error>").unwrap();
    let err_end = xml.find("</error>").unwrap() + "</error>".len();
    let error = &xml[err_start..err_end];
    let swapped = xml.replace(&format!("{status}{error}"), &format!("{error}{status}"));
    let e = ClientChangeStatusNotification::parse(swapped.as_bytes()).unwrap_err();
    assert_eq!(schema_path(e), format!("{np}/status"));
    // A repeated element.
    let repeated = xml.replace(
        "<messageState>NOT_DELIVERED</messageState>",
        "<messageState>NOT_DELIVERED</messageState><messageState>DELIVERED</messageState>",
    );
    let e = ClientChangeStatusNotification::parse(repeated.as_bytes()).unwrap_err();
    assert_eq!(schema_path(e), format!("{np}/status"));
    // A qualified child is not the unqualified one.
    let qualified = xml.replace(
        "<messageId>m-7</messageId>",
        "<as:messageId>m-7</as:messageId>",
    );
    let e = ClientChangeStatusNotification::parse(qualified.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("must be unqualified"), "{e}");
    // A bad date names the field.
    let bad_date = xml.replace("2026-11-22T10:00:01.000+05:00", "yesterday");
    match ClientChangeStatusNotification::parse(bad_date.as_bytes()).unwrap_err() {
        EnvelopeError::InvalidValue { field, .. } => {
            assert_eq!(field, "changeMassageStatusNotification/request/requestDate")
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }

    // Response: missing sessionId (required there), wrong order.
    let resp = ClientChangeStatusNotificationResponse {
        response_date: datetime!(2026-11-22 10:00:02.000 +5),
        session_id: SESSION.into(),
    }
    .to_xml(SoapVersion::Soap11)
    .unwrap();
    let no_session = resp.replace(&format!("<sessionId>{SESSION}</sessionId>"), "");
    assert_eq!(
        schema_path(
            ClientChangeStatusNotificationResponse::parse(no_session.as_bytes()).unwrap_err()
        ),
        "changeMassageStatusNotificationResponse/response/sessionId"
    );
    let swapped = resp.replace(
        &format!("<responseDate>2026-11-22T10:00:02.000+05:00</responseDate><sessionId>{SESSION}</sessionId>"),
        &format!("<sessionId>{SESSION}</sessionId><responseDate>2026-11-22T10:00:02.000+05:00</responseDate>"),
    );
    assert_eq!(
        schema_path(ClientChangeStatusNotificationResponse::parse(swapped.as_bytes()).unwrap_err()),
        "changeMassageStatusNotificationResponse/response/responseDate"
    );

    // Pushed sendMessage: missing messageData, missing serviceId.
    let push = pushed().to_client_xml(SoapVersion::Soap11).unwrap();
    let ds = push.find("<messageData>").unwrap();
    let de = push.find("</messageData>").unwrap() + "</messageData>".len();
    let no_data = format!("{}{}", &push[..ds], &push[de..]);
    assert_eq!(
        schema_path(AsyncSendMessage::parse_client(no_data.as_bytes()).unwrap_err()),
        "sendMessage/request/messageData"
    );
    let no_service = push.replace("<serviceId>LICENSE_STATUS</serviceId>", "");
    assert_eq!(
        schema_path(AsyncSendMessage::parse_client(no_service.as_bytes()).unwrap_err()),
        "sendMessage/request/messageInfo/serviceId"
    );
}

#[test]
fn builders_refuse_bad_values() {
    let field = |e: EnvelopeError| match e {
        EnvelopeError::InvalidValue { field, .. } => field,
        other => panic!("expected InvalidValue, got {other:?}"),
    };
    let mut n = notification(None);
    n.notification.notification_id = " ".into();
    assert_eq!(
        field(n.to_xml(SoapVersion::Soap11).unwrap_err()),
        "notification/notificationId"
    );
    let mut n = notification(None);
    n.notification.message_id.clear();
    assert_eq!(
        field(n.to_xml(SoapVersion::Soap11).unwrap_err()),
        "notification/messageId"
    );
    let mut n = notification(None);
    n.session_id = Some("0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10".into()); // no braces
    assert_eq!(
        field(n.to_xml(SoapVersion::Soap11).unwrap_err()),
        "request/sessionId"
    );
    let resp = ClientChangeStatusNotificationResponse {
        response_date: datetime!(2026-11-22 10:00:02.000 +5),
        session_id: String::new(),
    };
    assert_eq!(
        field(resp.to_xml(SoapVersion::Soap11).unwrap_err()),
        "response/sessionId"
    );
    // A push carries the correlationId ШЭП generated even for a REQUEST: accepted on the
    // client interface, refused when sending to ШЭП.
    let m = pushed();
    assert!(m.to_client_xml(SoapVersion::Soap11).is_ok());
    assert_eq!(
        field(m.to_xml(SoapVersion::Soap11).unwrap_err()),
        "messageInfo/correlationId"
    );
    // The other field rules still apply to a push.
    let mut m = pushed();
    m.info.service_id.clear();
    assert_eq!(
        field(m.to_client_xml(SoapVersion::Soap11).unwrap_err()),
        "messageInfo/serviceId"
    );
    let mut m = pushed();
    m.info.session_id = Some("not-a-guid".into());
    assert_eq!(
        field(m.to_client_xml(SoapVersion::Soap11).unwrap_err()),
        "messageInfo/sessionId"
    );
}

#[test]
fn a_fault_answer_is_a_typed_error() {
    let fault = concat!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault>",
        "<faultcode>soap:Server</faultcode><faultstring>recipient failed</faultstring>",
        "</soap:Fault></soap:Body></soap:Envelope>"
    );
    for e in [
        ClientChangeStatusNotificationResponse::parse(fault.as_bytes()).unwrap_err(),
        AsyncSendMessageResponse::parse_client(fault.as_bytes()).unwrap_err(),
    ] {
        match e {
            EnvelopeError::Fault(f) => assert_eq!(f.reason, "recipient failed"),
            other => panic!("expected Fault, got {other:?}"),
        }
    }
}

#[test]
fn a_transport_signed_push_verifies_and_tampering_is_rejected() {
    let signer = rsa_signer();
    let cert = leaf_cert(&signer);
    for (version, soap_ns) in [
        (
            SoapVersion::Soap11,
            "http://schemas.xmlsoap.org/soap/envelope/",
        ),
        (
            SoapVersion::Soap12,
            "http://www.w3.org/2003/05/soap-envelope",
        ),
    ] {
        let push = pushed().to_client_xml(version).unwrap();
        let signed = sign(push.as_bytes(), &signer, &SignOptions::new()).unwrap();
        let v = verify(&signed, &VerifyOptions::default()).unwrap();
        assert_eq!(v.signer_certificate, cert);
        assert!(v
            .signed_parts
            .iter()
            .any(|p| matches!(p, SignedPart::Body { .. })));
        assert!(v
            .body_source()
            .contains(&format!("<as:sendMessage xmlns:as=\"{CLIENT_NS}\">")));
        // The signed push still reads as the same message, from the bytes and from the
        // verified tree.
        assert_eq!(AsyncSendMessage::parse_client(&signed).unwrap(), pushed());
        assert_eq!(v.message::<AsyncSendMessage>().unwrap(), pushed());
        // Asking the verified envelope for another message type names what it holds.
        match v.message::<ClientChangeStatusNotification>().unwrap_err() {
            EnvelopeError::Schema { path, detail } => {
                assert_eq!(path, "Body");
                assert!(detail.contains("sendMessage"), "{detail}");
            }
            other => panic!("expected a Schema error, got {other:?}"),
        }
        assert!(v.send_message().is_err());

        // The same message sent to ШЭП (service namespace) reads through the same call.
        let mut outgoing = pushed();
        outgoing.info.correlation_id = None; // ШЭП assigns it to a request it receives
        let to_gateway = outgoing.to_xml(version).unwrap();
        let signed_gw = sign(to_gateway.as_bytes(), &signer, &SignOptions::new()).unwrap();
        let v_gw = verify(&signed_gw, &VerifyOptions::default()).unwrap();
        assert_eq!(v_gw.message::<AsyncSendMessage>().unwrap(), outgoing);
        assert_eq!(AsyncSendMessage::parse(&signed_gw).unwrap(), outgoing);
        // An independent verifier agrees (xmlsec1, certificate given).
        let (ok, out) = xmlsec1_verify(&signed, &cert, soap_ns);
        assert!(ok, "xmlsec1 rejected our signed client push: {out}");

        // Tampered Body text → signature check fails.
        let text = String::from_utf8(signed.clone()).unwrap();
        let tampered = text.replace("KZ-1", "KZ-2");
        assert_ne!(tampered, text);
        match verify(tampered.as_bytes(), &VerifyOptions::default()).unwrap_err() {
            WssError::DigestMismatch { part, .. } => assert_eq!(part, "the Body"),
            other => panic!("expected a Body digest mismatch, got {other:?}"),
        }

        // The status notification signs and verifies the same way.
        let n = notification(Some(gateway_error())).to_xml(version).unwrap();
        let signed = sign(n.as_bytes(), &signer, &SignOptions::new()).unwrap();
        let v = verify(&signed, &VerifyOptions::default()).unwrap();
        assert_eq!(
            ClientChangeStatusNotification::parse(&signed).unwrap(),
            notification(Some(gateway_error()))
        );
        assert_eq!(
            v.message::<ClientChangeStatusNotification>().unwrap(),
            notification(Some(gateway_error()))
        );
        let text = String::from_utf8(signed).unwrap();
        let tampered = text.replace("NOT_DELIVERED", "DELIVERED");
        assert!(matches!(
            verify(tampered.as_bytes(), &VerifyOptions::default()).unwrap_err(),
            WssError::DigestMismatch { .. }
        ));
    }
}
