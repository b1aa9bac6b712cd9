//! The WS-Security verifier and every SmartBridge envelope reader on arbitrary bytes:
//! never a panic; a verified envelope's Body is readable from the verified tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_wss::*;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = verify(data, &VerifyOptions::default()) {
        let _ = v.body_source();
        let _ = v.send_message();
        let _ = v.send_message_response();
        let _ = v.message::<AsyncSendMessage>();
    }
    let _ = SendMessage::parse(data);
    let _ = SendMessageResponse::parse(data);
    let _ = AsyncSendMessage::parse(data);
    let _ = AsyncSendMessage::parse_client(data);
    let _ = AsyncSendMessageResponse::parse(data);
    let _ = AsyncGetMessages::parse(data);
    let _ = AsyncGetMessagesResponse::parse(data);
    let _ = AsyncGetMessageStatus::parse(data);
    let _ = AsyncGetMessageStatusResponse::parse(data);
    let _ = AsyncSendDeliveryNotification::parse(data);
    let _ = AsyncSendDeliveryNotificationResponse::parse(data);
    let _ = ClientChangeStatusNotification::parse(data);
    let _ = ClientChangeStatusNotificationResponse::parse(data);
    if let Ok(doc) = tanba_xml::Document::parse(data, &Default::default()) {
        for d in Data::elements_in(&doc) {
            let _ = Data::read(&doc, d).content();
        }
    }
});
