//! # tanba-wss — SmartBridge envelopes and the WS-Security transport signature
//!
//! * **Envelopes** ([`envelope`]): typed builders and parsers for the SyncChannel v10
//!   [`SendMessage`] / [`SendMessageResponse`] and the AsyncChannel v10
//!   [`AsyncSendMessage`], [`AsyncGetMessages`], [`AsyncGetMessageStatus`] and their
//!   responses, plus the recipient-side interface (pushed `sendMessage` via
//!   [`AsyncSendMessage::parse_client`], [`ClientChangeStatusNotification`]); business [`Data`] inline, typed
//!   inline or as an escaped string (a signed business document keeps its signature);
//!   SOAP 1.1 (default) and 1.2; faults as [`EnvelopeError::Fault`] with the gateway's
//!   [`GatewayError`]. Output is compact, in schema order, children unqualified.
//! * **Transport signature** ([`sign`], [`verify`]): the WS-Security X.509 profile
//!   SmartBridge uses (SMARTBRIDGE.md §6) — one `ds:Signature` in
//!   `wsse:Security[@mustUnderstand=1]` over the Body (`wsu:Id`), optionally a signed
//!   `wsu:Timestamp`, exclusive C14N, the algorithm of the key, the certificate as a
//!   `KeyIdentifier` or a `BinarySecurityToken`. Verification resolves the token
//!   (KeyIdentifier, BST, X509Data, IssuerSerial against pinned certificates), checks the
//!   signature, that the signed Body **is** the envelope's Body, the required parts and
//!   the Timestamp window, and names any wrapping attack ([`WrappingAttack`]). The signer
//!   certificate is returned for `tanba-pki` validation, and the request or response is
//!   read from the verified Body ([`VerifiedEnvelope::send_message`]).
//!
//! ```
//! use tanba_wss::{Data, SendMessage, Sender, SoapVersion};
//! let xml = SendMessage::new("GBDFL_UniversalServiceSync", Sender::new("login"))
//!     .with_data(Data::inline_document(b"<iin>123456789012</iin>").unwrap())
//!     .to_xml(SoapVersion::Soap11)
//!     .unwrap();
//! assert!(xml.starts_with("<soap:Envelope"));
//! let back = SendMessage::parse(xml.as_bytes()).unwrap();
//! assert_eq!(back.info.service_id, "GBDFL_UniversalServiceSync");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod datetime;
pub mod envelope;
mod error;
pub mod ns;
mod secret;
mod security;
pub mod uuid;
mod xmlw;

pub use envelope::{
    AsyncGetMessageStatus, AsyncGetMessageStatusResponse, AsyncGetMessages,
    AsyncGetMessagesResponse, AsyncMessage, AsyncMessageInfo, AsyncSendDeliveryNotification,
    AsyncSendDeliveryNotificationResponse, AsyncSendMessage, AsyncSendMessageResponse, BodyMessage,
    ChangeStatusNotification, ClientChangeStatusNotification,
    ClientChangeStatusNotificationResponse, Data, DeliveryStatus, GatewayError, MessageState,
    MessageStatusInfo, MessageType, Property, RequestInfo, ResponseInfo, SendMessage,
    SendMessageResponse, Sender, SoapFault, SoapVersion, Status,
};
pub use error::{EnvelopeError, WrappingAttack, WssError};
pub use secret::Secret;
pub use security::{
    sign, verify, KeyInfoForm, SignOptions, SignedPart, TimestampInfo, TokenReference,
    VerifiedEnvelope, VerifyOptions,
};
