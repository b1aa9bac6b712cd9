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
