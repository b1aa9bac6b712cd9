//! The AsyncChannel v10 recipient-side ("client") interface (SMARTBRIDGE.md §4): the
//! operations ШЭП calls on a recipient, with global elements in
//! [`ns::ASYNC_CLIENT_TYPES`]:
//!
//! * `sendMessage` — ШЭП pushes a message; the request is the `AsyncSendMessageRequest`
//!   shape and the response the `sendMessageResponse` shape, so they are read and written
//!   by [`AsyncSendMessage::to_client_xml`] / [`AsyncSendMessage::parse_client`] and
//!   [`AsyncSendMessageResponse::to_client_xml`] / [`AsyncSendMessageResponse::parse_client`];
//! * `changeMassageStatusNotification` (the schema's spelling, kept because it is the wire
//!   name) — ШЭП reports a status change: [`ClientChangeStatusNotification`] and
//!   [`ClientChangeStatusNotificationResponse`].

use time::OffsetDateTime;

use super::common::{check_guid, non_empty, wrap_operation};
use super::read::{parse_envelope, Seq, View};
use super::{
    AsyncSendMessage, AsyncSendMessageResponse, GatewayError, MessageState, MessageStatusInfo,
    SoapVersion,
};
use crate::error::EnvelopeError;
use crate::{datetime, ns, xmlw};

/// The wire name of the status-change operation (sic: "Massage").
const CHANGE_STATUS: &str = "changeMassageStatusNotification";
/// Its response element.
const CHANGE_STATUS_RESPONSE: &str = "changeMassageStatusNotificationResponse";

impl AsyncSendMessage {
    /// The client-interface `sendMessage` envelope (ШЭП pushing this message to a
    /// recipient), global element in [`ns::ASYNC_CLIENT_TYPES`].
    ///
    /// The field rules of [`AsyncSendMessage::validate`] apply except the correlationId
    /// one, which binds messages sent *to* ШЭП (it fills messageId/correlationId itself).
    pub fn to_client_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        self.validate_fields()?;
        Ok(self.write_in(ns::ASYNC_CLIENT_TYPES, version))
    }

    /// Reads a client-interface `sendMessage` envelope (a push from ШЭП).
    pub fn parse_client(bytes: &[u8]) -> Result<AsyncSendMessage, EnvelopeError> {
        AsyncSendMessage::parse_in(ns::ASYNC_CLIENT_TYPES, bytes)
    }
}

impl AsyncSendMessageResponse {
    /// The recipient's answer to a pushed `sendMessage`, global element in
    /// [`ns::ASYNC_CLIENT_TYPES`].
    pub fn to_client_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        self.to_xml_in(ns::ASYNC_CLIENT_TYPES, version)
    }

    /// Reads a client-interface `sendMessageResponse`; a fault is [`EnvelopeError::Fault`].
    pub fn parse_client(bytes: &[u8]) -> Result<AsyncSendMessageResponse, EnvelopeError> {
        AsyncSendMessageResponse::parse_in(ns::ASYNC_CLIENT_TYPES, bytes)
    }
}

/// `ChangeStatusNotification` (SMARTBRIDGE.md §3.4): a message changed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeStatusNotification {
    /// `notificationId`.
    pub notification_id: String,
    /// `messageId` of the message whose state changed.
    pub message_id: String,
    /// `notificationDate`.
    pub notification_date: OffsetDateTime,
    /// `messageState`.
    pub message_state: MessageState,
    /// `status`.
    pub status: MessageStatusInfo,
    /// `error` (an `ErrorInfo`; read back with [`GatewayError::element`] = `"error"`).
    pub error: Option<GatewayError>,
}

/// The client-interface `changeMassageStatusNotification` request (sic — the wire name).
///
/// ```
/// use tanba_wss::{ChangeStatusNotification, ClientChangeStatusNotification, MessageState,
///     MessageStatusInfo, SoapVersion};
/// use time::macros::datetime;
/// let at = datetime!(2026-11-22 10:00:00 +5);
/// let n = ClientChangeStatusNotification {
///     notification: ChangeStatusNotification {
///         notification_id: "n-1".into(),
///         message_id: "m-1".into(),
///         notification_date: at,
///         message_state: MessageState::Delivered,
///         status: MessageStatusInfo {
///             status_code: "OK".into(),
///             status_message: "delivered".into(),
///             status_date: at,
///         },
///         error: None,
///     },
///     request_date: at,
///     session_id: None,
/// };
/// let xml = n.to_xml(SoapVersion::Soap11).unwrap();
/// assert!(xml.contains("<as:changeMassageStatusNotification "));
/// assert_eq!(ClientChangeStatusNotification::parse(xml.as_bytes()).unwrap(), n);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientChangeStatusNotification {
    /// `notification`.
    pub notification: ChangeStatusNotification,
    /// `requestDate`.
    pub request_date: OffsetDateTime,
    /// `sessionId` (a guid in braces).
    pub session_id: Option<String>,
}

impl ClientChangeStatusNotification {
    /// The whole envelope.
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        let n = &self.notification;
        non_empty("notification/notificationId", &n.notification_id)?;
        non_empty("notification/messageId", &n.message_id)?;
        if let Some(sid) = &self.session_id {
            check_guid("request/sessionId", sid)?;
        }
        let xml = wrap_operation(
            version,
            ns::ASYNC_CLIENT_TYPES,
            CHANGE_STATUS,
            "request",
            |s| {
                s.push_str("<notification>");
                xmlw::element(s, "notificationId", &n.notification_id);
                xmlw::element(s, "messageId", &n.message_id);
                xmlw::element(
                    s,
                    "notificationDate",
                    &datetime::format(n.notification_date),
                );
                xmlw::element(s, "messageState", n.message_state.as_str());
                n.status.write(s);
                GatewayError::write_optional_error(n.error.as_ref(), s);
                s.push_str("</notification>");
                xmlw::element(s, "requestDate", &datetime::format(self.request_date));
                xmlw::opt_element(s, "sessionId", self.session_id.as_deref());
            },
        );
        Ok(xml)
    }

    /// Reads a `changeMassageStatusNotification` envelope.
    pub fn parse(bytes: &[u8]) -> Result<ClientChangeStatusNotification, EnvelopeError> {
        Self::read_view(&parse_envelope(bytes)?.view())
    }

    /// Reads it from an already parsed envelope (e.g. one whose signature was verified).
    pub(crate) fn read_view(p: &View<'_>) -> Result<ClientChangeStatusNotification, EnvelopeError> {
        let request = p.wrapped(ns::ASYNC_CLIENT_TYPES, CHANGE_STATUS, "request")?;
        let doc = p.doc;
        let path = format!("{CHANGE_STATUS}/request");
        let mut r = Seq::new(doc, request, path.clone());
        let n_el = r.required("notification")?;
        let request_date = r.date_required("requestDate")?;
        let session_id = r.text_optional("sessionId");
        r.finish()?;
        let npath = format!("{path}/notification");
        let mut n = Seq::new(doc, n_el, npath.clone());
        let notification_id = n.text_required("notificationId")?;
        let message_id = n.text_required("messageId")?;
        let notification_date = n.date_required("notificationDate")?;
        let message_state = MessageState::read(&mut n)?;
        let status = MessageStatusInfo::read(&mut n)?;
        let error = GatewayError::read_optional_error(&mut n)?;
        n.finish()?;
        Ok(ClientChangeStatusNotification {
            notification: ChangeStatusNotification {
                notification_id,
                message_id,
                notification_date,
                message_state,
                status,
                error,
            },
            request_date,
            session_id,
        })
    }
}

/// The recipient's answer to `changeMassageStatusNotification`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientChangeStatusNotificationResponse {
    /// `responseDate`.
    pub response_date: OffsetDateTime,
    /// `sessionId`.
    pub session_id: String,
}

impl ClientChangeStatusNotificationResponse {
    /// The whole envelope.
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        non_empty("response/sessionId", &self.session_id)?;
        let xml = wrap_operation(
            version,
            ns::ASYNC_CLIENT_TYPES,
            CHANGE_STATUS_RESPONSE,
            "response",
            |s| {
                xmlw::element(s, "responseDate", &datetime::format(self.response_date));
                xmlw::element(s, "sessionId", &self.session_id);
            },
        );
        Ok(xml)
    }

    /// Reads the response; a fault is [`EnvelopeError::Fault`].
    pub fn parse(bytes: &[u8]) -> Result<ClientChangeStatusNotificationResponse, EnvelopeError> {
        Self::read_view(&parse_envelope(bytes)?.view())
    }

    /// Reads it from an already parsed envelope (e.g. one whose signature was verified).
    pub(crate) fn read_view(
        p: &View<'_>,
    ) -> Result<ClientChangeStatusNotificationResponse, EnvelopeError> {
        let response = p.wrapped(ns::ASYNC_CLIENT_TYPES, CHANGE_STATUS_RESPONSE, "response")?;
        let doc = p.doc;
        let mut s = Seq::new(doc, response, format!("{CHANGE_STATUS_RESPONSE}/response"));
        let response_date = s.date_required("responseDate")?;
        let session_id = s.text_required("sessionId")?;
        s.finish()?;
        Ok(ClientChangeStatusNotificationResponse {
            response_date,
            session_id,
        })
    }
}
