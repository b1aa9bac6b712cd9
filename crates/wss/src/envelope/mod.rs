//! SmartBridge SOAP envelopes: SyncChannel v10 ([`SendMessage`], [`SendMessageResponse`]),
//! AsyncChannel v10 (`sendMessage`, `getMessages`, `getMessageStatus` and their
//! responses), its recipient-side interface (`sendMessage` pushed by ШЭП,
//! `changeMassageStatusNotification`), the business
//! payload ([`Data`]) and faults ([`SoapFault`], [`GatewayError`]).
//!
//! Output is compact (no whitespace between elements), element order follows the XSD
//! sequences, and every element below the global one is unqualified (SMARTBRIDGE.md §3, P1).

mod asynch;
mod client;
mod common;
mod data;
mod fault;
mod read;
mod sync;

pub(crate) use read::View;

pub use asynch::{
    AsyncGetMessageStatus, AsyncGetMessageStatusResponse, AsyncGetMessages,
    AsyncGetMessagesResponse, AsyncMessage, AsyncMessageInfo, AsyncSendDeliveryNotification,
    AsyncSendDeliveryNotificationResponse, AsyncSendMessage, AsyncSendMessageResponse,
    DeliveryStatus, MessageState, MessageStatusInfo, MessageType,
};
pub use client::{
    ChangeStatusNotification, ClientChangeStatusNotification,
    ClientChangeStatusNotificationResponse,
};
pub use common::{Property, Sender, SoapVersion};
pub use data::Data;
pub use fault::{GatewayError, SoapFault};
pub use sync::{RequestInfo, ResponseInfo, SendMessage, SendMessageResponse, Status};

/// A SmartBridge message read from the Body of an envelope: every SyncChannel and
/// AsyncChannel type of this module. [`crate::VerifiedEnvelope::message`] reads one from
/// the verified tree, so what it returns is exactly what the transport signature covers.
/// Sealed: implemented for this module's types only.
pub trait BodyMessage: sealed::ReadBody {}

mod sealed {
    /// How each message type reads itself from a parsed envelope.
    pub trait ReadBody: Sized {
        fn read_body(v: &super::read::View<'_>) -> Result<Self, crate::error::EnvelopeError>;
    }
}

macro_rules! body_message {
    ($($t:ty => $read:expr;)*) => {$(
        impl sealed::ReadBody for $t {
            fn read_body(v: &read::View<'_>) -> Result<Self, crate::error::EnvelopeError> {
                $read(v)
            }
        }
        impl BodyMessage for $t {}
    )*};
}

/// The AsyncChannel namespace of the Body's message: the recipient-side (client) one when
/// the message is in it, else the service one.
fn async_ns(v: &read::View<'_>) -> &'static str {
    if v.payload_namespace() == Some(crate::ns::ASYNC_CLIENT_TYPES) {
        crate::ns::ASYNC_CLIENT_TYPES
    } else {
        crate::ns::ASYNC_TYPES
    }
}

body_message! {
    SendMessage => SendMessage::read_view;
    SendMessageResponse => SendMessageResponse::read_view;
    AsyncSendMessage => |v: &read::View<'_>| AsyncSendMessage::read_in(async_ns(v), v);
    AsyncSendMessageResponse => |v: &read::View<'_>| AsyncSendMessageResponse::read_in(async_ns(v), v);
    AsyncGetMessages => AsyncGetMessages::read_view;
    AsyncGetMessagesResponse => AsyncGetMessagesResponse::read_view;
    AsyncGetMessageStatus => AsyncGetMessageStatus::read_view;
    AsyncGetMessageStatusResponse => AsyncGetMessageStatusResponse::read_view;
    AsyncSendDeliveryNotification => AsyncSendDeliveryNotification::read_view;
    AsyncSendDeliveryNotificationResponse => AsyncSendDeliveryNotificationResponse::read_view;
    ClientChangeStatusNotification => ClientChangeStatusNotification::read_view;
    ClientChangeStatusNotificationResponse => ClientChangeStatusNotificationResponse::read_view;
}
