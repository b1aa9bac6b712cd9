//! SyncChannel v10: `SendMessage` request and `SendMessageResponse` (SMARTBRIDGE.md §3).

use time::OffsetDateTime;

use super::common::{check_guid, max_chars, non_empty, wrap_envelope};
use super::read::{parse_envelope, payload, read_properties, read_sender, Seq};
use super::{Data, Property, Sender, SoapVersion};
use crate::error::EnvelopeError;
use crate::{datetime, ns, xmlw};
use tanba_xml::{Document, NodeId};

/// `requestInfo` (type `SyncMessageInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// `messageId` — a UUID by default.
    pub message_id: String,
    /// `correlationId`.
    pub correlation_id: Option<String>,
    /// `serviceId` from the ШЭП interaction registry.
    pub service_id: String,
    /// `messageDate` (written with milliseconds and its offset).
    pub message_date: OffsetDateTime,
    /// `routeId`.
    pub route_id: Option<String>,
    /// `sender`.
    pub sender: Sender,
    /// `properties`.
    pub properties: Vec<Property>,
    /// `sessionId` (a guid in braces; set by ШЭП, senders omit it).
    pub session_id: Option<String>,
}

/// A SyncChannel `SendMessage` request.
///
/// ```
/// use tanba_wss::{Data, SendMessage, Sender, Secret, SoapVersion};
/// let msg = SendMessage::new("GBDFL_UniversalServiceSync", Sender::with_password("login", Secret::new("pw")))
///     .with_data(Data::inline_document(b"<iin>123456789012</iin>").unwrap());
/// let xml = msg.to_xml(SoapVersion::Soap11).unwrap();
/// let back = SendMessage::parse(xml.as_bytes()).unwrap();
/// assert_eq!(back, msg);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessage {
    /// `request/requestInfo`.
    pub info: RequestInfo,
    /// `request/requestData/data` (optional in the schema).
    pub data: Option<Data>,
}

impl SendMessage {
    /// A request for `service_id` from `sender`, with a fresh UUID `messageId` and the
    /// current time (UTC) as `messageDate`. Milliseconds are kept, finer digits dropped.
    pub fn new(service_id: impl Into<String>, sender: Sender) -> Self {
        let now = OffsetDateTime::now_utc();
        let now = now
            .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
            .unwrap_or(now);
        SendMessage {
            info: RequestInfo {
                message_id: crate::uuid::new_v4(),
                correlation_id: None,
                service_id: service_id.into(),
                message_date: now,
                route_id: None,
                sender,
                properties: Vec::new(),
                session_id: None,
            },
            data: None,
        }
    }

    /// Sets `messageId`.
    pub fn with_message_id(mut self, id: impl Into<String>) -> Self {
        self.info.message_id = id.into();
        self
    }
    /// Sets `correlationId`.
    pub fn with_correlation_id(mut self, id: impl Into<String>) -> Self {
        self.info.correlation_id = Some(id.into());
        self
    }
    /// Sets `messageDate`.
    pub fn with_message_date(mut self, t: OffsetDateTime) -> Self {
        self.info.message_date = t;
        self
    }
    /// Sets `routeId`.
    pub fn with_route_id(mut self, id: impl Into<String>) -> Self {
        self.info.route_id = Some(id.into());
        self
    }
    /// Adds a `properties` entry.
    pub fn with_property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.info.properties.push(Property::new(key, value));
        self
    }
    /// Sets `sessionId` (normally left to ШЭП).
    pub fn with_session_id(mut self, id: impl Into<String>) -> Self {
        self.info.session_id = Some(id.into());
        self
    }
    /// Sets the business data.
    pub fn with_data(mut self, data: Data) -> Self {
        self.data = Some(data);
        self
    }

    /// Checks the values against the schema facets (non-empty ids, property lengths,
    /// sessionId format).
    pub fn validate(&self) -> Result<(), EnvelopeError> {
        let i = &self.info;
        non_empty("requestInfo/messageId", &i.message_id)?;
        non_empty("requestInfo/serviceId", &i.service_id)?;
        i.sender.validate()?;
        for p in &i.properties {
            p.validate()?;
        }
        if let Some(s) = &i.session_id {
            check_guid("requestInfo/sessionId", s)?;
        }
        Ok(())
    }

    /// The `SendMessage` element alone (`sb:` prefix, unqualified children, compact).
    pub fn body_xml(&self) -> Result<String, EnvelopeError> {
        self.validate()?;
        let i = &self.info;
        let mut s =
            String::with_capacity(512 + self.data.as_ref().map_or(0, |d| d.content().len()));
        s.push_str("<sb:SendMessage xmlns:sb=\"");
        s.push_str(ns::SYNC_TYPES);
        s.push_str("\"><request><requestInfo>");
        xmlw::element(&mut s, "messageId", &i.message_id);
        xmlw::opt_element(&mut s, "correlationId", i.correlation_id.as_deref());
        xmlw::element(&mut s, "serviceId", &i.service_id);
        xmlw::element(&mut s, "messageDate", &datetime::format(i.message_date));
        xmlw::opt_element(&mut s, "routeId", i.route_id.as_deref());
        i.sender.write(&mut s);
        for p in &i.properties {
            p.write(&mut s);
        }
        xmlw::opt_element(&mut s, "sessionId", i.session_id.as_deref());
        s.push_str("</requestInfo><requestData>");
        if let Some(d) = &self.data {
            d.write(&mut s);
        }
        s.push_str("</requestData></request></sb:SendMessage>");
        Ok(s)
    }

    /// The whole envelope, compact, with an empty `Header` ready for the transport signature.
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        Ok(wrap_envelope(version, &self.body_xml()?))
    }

    /// Reads a `SendMessage` envelope (SOAP 1.1 or 1.2). Element order and namespaces are
    /// checked; a fault in the Body is [`EnvelopeError::Fault`].
    pub fn parse(bytes: &[u8]) -> Result<SendMessage, EnvelopeError> {
        let p = parse_envelope(bytes)?;
        Self::read(&p.doc, p.version, p.body)
    }

    /// Reads the `SendMessage` in `body` of an already parsed envelope.
    pub(crate) fn read(
        doc: &Document,
        version: SoapVersion,
        body: NodeId,
    ) -> Result<SendMessage, EnvelopeError> {
        let sm = payload(doc, version, body, ns::SYNC_TYPES, "SendMessage")?;
        let mut top = Seq::new(doc, sm, "SendMessage");
        let request = top.required("request")?;
        top.finish()?;
        let mut r = Seq::new(doc, request, "SendMessage/request");
        let info_el = r.required("requestInfo")?;
        let data_el = r.required("requestData")?;
        r.finish()?;
        let mut s = Seq::new(doc, info_el, "SendMessage/request/requestInfo");
        let message_id = s.text_required("messageId")?;
        let correlation_id = s.text_optional("correlationId");
        let service_id = s.text_required("serviceId")?;
        let message_date = s.date_required("messageDate")?;
        let route_id = s.text_optional("routeId");
        let sender_el = s.required("sender")?;
        let sender = read_sender(doc, sender_el, s.path())?;
        let properties = read_properties(&mut s)?;
        let session_id = s.text_optional("sessionId");
        s.finish()?;
        let mut d = Seq::new(doc, data_el, "SendMessage/request/requestData");
        let data = d.optional("data").map(|el| Data::read(doc, el));
        d.finish()?;
        Ok(SendMessage {
            info: RequestInfo {
                message_id,
                correlation_id,
                service_id,
                message_date,
                route_id,
                sender,
                properties,
                session_id,
            },
            data,
        })
    }
}

/// `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// `code` (e.g. `Success`).
    pub code: String,
    /// `message` (≤ 250 characters).
    pub message: String,
}

/// `responseInfo` (type `SyncMessageInfoResponse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseInfo {
    /// `messageId` in the recipient's system.
    pub message_id: String,
    /// `correlationId`.
    pub correlation_id: Option<String>,
    /// `responseDate`.
    pub response_date: OffsetDateTime,
    /// `status`.
    pub status: Status,
    /// `sessionId` (guid in braces, set by ШЭП).
    pub session_id: Option<String>,
}

/// A SyncChannel `SendMessageResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessageResponse {
    /// `response/responseInfo`.
    pub info: ResponseInfo,
    /// `response/responseData/data`.
    pub data: Option<Data>,
}

impl SendMessageResponse {
    /// The `SendMessageResponse` element alone.
    pub fn body_xml(&self) -> Result<String, EnvelopeError> {
        let i = &self.info;
        non_empty("responseInfo/messageId", &i.message_id)?;
        max_chars("responseInfo/status/message", &i.status.message, 250)?;
        if let Some(sid) = &i.session_id {
            check_guid("responseInfo/sessionId", sid)?;
        }
        let mut s = String::with_capacity(512);
        s.push_str("<sb:SendMessageResponse xmlns:sb=\"");
        s.push_str(ns::SYNC_TYPES);
        s.push_str("\"><response><responseInfo>");
        xmlw::element(&mut s, "messageId", &i.message_id);
        xmlw::opt_element(&mut s, "correlationId", i.correlation_id.as_deref());
        xmlw::element(&mut s, "responseDate", &datetime::format(i.response_date));
        s.push_str("<status>");
        xmlw::element(&mut s, "code", &i.status.code);
        xmlw::element(&mut s, "message", &i.status.message);
        s.push_str("</status>");
        xmlw::opt_element(&mut s, "sessionId", i.session_id.as_deref());
        s.push_str("</responseInfo><responseData>");
        if let Some(d) = &self.data {
            d.write(&mut s);
        }
        s.push_str("</responseData></response></sb:SendMessageResponse>");
        Ok(s)
    }

    /// The whole envelope.
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        Ok(wrap_envelope(version, &self.body_xml()?))
    }

    /// Reads a response envelope; a SOAP fault (with the gateway's `ErrorInfo` when
    /// present) is returned as [`EnvelopeError::Fault`].
    pub fn parse(bytes: &[u8]) -> Result<SendMessageResponse, EnvelopeError> {
        let p = parse_envelope(bytes)?;
        Self::read(&p.doc, p.version, p.body)
    }

    /// Reads the `SendMessageResponse` in `body` of an already parsed envelope.
    pub(crate) fn read(
        doc: &Document,
        version: SoapVersion,
        body: NodeId,
    ) -> Result<SendMessageResponse, EnvelopeError> {
        let el = payload(doc, version, body, ns::SYNC_TYPES, "SendMessageResponse")?;
        let mut top = Seq::new(doc, el, "SendMessageResponse");
        let response = top.required("response")?;
        top.finish()?;
        let mut r = Seq::new(doc, response, "SendMessageResponse/response");
        let info_el = r.required("responseInfo")?;
        let data_el = r.required("responseData")?;
        r.finish()?;
        let mut s = Seq::new(doc, info_el, "SendMessageResponse/response/responseInfo");
        let message_id = s.text_required("messageId")?;
        let correlation_id = s.text_optional("correlationId");
        let response_date = s.date_required("responseDate")?;
        let status_el = s.required("status")?;
        let mut st = Seq::new(
            doc,
            status_el,
            "SendMessageResponse/response/responseInfo/status",
        );
        let code = st.text_required("code")?;
        let message = st.text_required("message")?;
        st.finish()?;
        let session_id = s.text_optional("sessionId");
        s.finish()?;
        let mut d = Seq::new(doc, data_el, "SendMessageResponse/response/responseData");
        let data = d.optional("data").map(|el| Data::read(doc, el));
        d.finish()?;
        Ok(SendMessageResponse {
            info: ResponseInfo {
                message_id,
                correlation_id,
                response_date,
                status: Status { code, message },
                session_id,
            },
            data,
        })
    }
}
