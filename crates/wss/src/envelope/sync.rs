//! SyncChannel v10: `SendMessage` request and `SendMessageResponse` (SMARTBRIDGE.md §3).

use time::OffsetDateTime;

use super::common::{check_guid, max_chars, non_empty, wrap_envelope};
use super::read::{parse_envelope, payload, read_properties, read_sender, Seq, View};
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
        open_frame(&mut s, REQUEST);
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
        close_frame(&mut s, REQUEST, self.data.as_ref());
        Ok(s)
    }

    /// The whole envelope, compact, with an empty `Header` ready for the transport signature.
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        Ok(wrap_envelope(version, &self.body_xml()?))
    }

    /// Reads a `SendMessage` envelope (SOAP 1.1 or 1.2). Element order and namespaces are
    /// checked; a fault in the Body is [`EnvelopeError::Fault`].
    pub fn parse(bytes: &[u8]) -> Result<SendMessage, EnvelopeError> {
        Self::read_view(&parse_envelope(bytes)?.view())
    }

    /// Reads the `SendMessage` in the Body of an already parsed envelope.
    pub(crate) fn read_view(p: &View<'_>) -> Result<SendMessage, EnvelopeError> {
        let (doc, version, body) = (p.doc, p.version, p.body);
        let (info_el, data_el) = read_frame(doc, version, body, REQUEST)?;
        let mut s = Seq::new(doc, info_el, REQUEST.info_path());
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
        let data = read_data(doc, data_el, REQUEST)?;
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
        open_frame(&mut s, RESPONSE);
        xmlw::element(&mut s, "messageId", &i.message_id);
        xmlw::opt_element(&mut s, "correlationId", i.correlation_id.as_deref());
        xmlw::element(&mut s, "responseDate", &datetime::format(i.response_date));
        s.push_str("<status>");
        xmlw::element(&mut s, "code", &i.status.code);
        xmlw::element(&mut s, "message", &i.status.message);
        s.push_str("</status>");
        xmlw::opt_element(&mut s, "sessionId", i.session_id.as_deref());
        close_frame(&mut s, RESPONSE, self.data.as_ref());
        Ok(s)
    }

    /// The whole envelope.
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EnvelopeError> {
        Ok(wrap_envelope(version, &self.body_xml()?))
    }

    /// Reads a response envelope; a SOAP fault (with the gateway's `ErrorInfo` when
    /// present) is returned as [`EnvelopeError::Fault`].
    pub fn parse(bytes: &[u8]) -> Result<SendMessageResponse, EnvelopeError> {
        Self::read_view(&parse_envelope(bytes)?.view())
    }

    /// Reads the `SendMessageResponse` in the Body of an already parsed envelope.
    pub(crate) fn read_view(p: &View<'_>) -> Result<SendMessageResponse, EnvelopeError> {
        let (doc, version, body) = (p.doc, p.version, p.body);
        let (info_el, data_el) = read_frame(doc, version, body, RESPONSE)?;
        let mut s = Seq::new(doc, info_el, RESPONSE.info_path());
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
        let data = read_data(doc, data_el, RESPONSE)?;
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

/// The fixed frame of a SyncChannel message: `<sb:root><wrapper><info>…</info>
/// <data_el><data>…</data></data_el></wrapper></sb:root>`.
struct Frame {
    root: &'static str,
    wrapper: &'static str,
    info: &'static str,
    data: &'static str,
}

const REQUEST: Frame = Frame {
    root: "SendMessage",
    wrapper: "request",
    info: "requestInfo",
    data: "requestData",
};

const RESPONSE: Frame = Frame {
    root: "SendMessageResponse",
    wrapper: "response",
    info: "responseInfo",
    data: "responseData",
};

impl Frame {
    /// `root/wrapper`, the path in error messages.
    fn wrapper_path(&self) -> String {
        format!("{}/{}", self.root, self.wrapper)
    }

    /// `root/wrapper/info`.
    fn info_path(&self) -> String {
        format!("{}/{}", self.wrapper_path(), self.info)
    }
}

/// Writes `<sb:root xmlns:sb=…><wrapper><info>`.
fn open_frame(s: &mut String, f: Frame) {
    s.push_str("<sb:");
    s.push_str(f.root);
    s.push_str(" xmlns:sb=\"");
    s.push_str(ns::SYNC_TYPES);
    s.push_str("\"><");
    s.push_str(f.wrapper);
    s.push_str("><");
    s.push_str(f.info);
    s.push('>');
}

/// Writes `</info><data_el>` + the data + `</data_el></wrapper></sb:root>`.
fn close_frame(s: &mut String, f: Frame, data: Option<&Data>) {
    for part in ["</", f.info, "><", f.data, ">"] {
        s.push_str(part);
    }
    if let Some(d) = data {
        d.write(s);
    }
    for part in ["</", f.data, "></", f.wrapper, "></sb:", f.root, ">"] {
        s.push_str(part);
    }
}

/// Reads the frame around the payload in `body`: returns the info and data elements.
fn read_frame(
    doc: &Document,
    version: SoapVersion,
    body: NodeId,
    f: Frame,
) -> Result<(NodeId, NodeId), EnvelopeError> {
    let el = payload(doc, version, body, ns::SYNC_TYPES, f.root)?;
    let mut top = Seq::new(doc, el, f.root);
    let wrapper = top.required(f.wrapper)?;
    top.finish()?;
    let mut r = Seq::new(doc, wrapper, f.wrapper_path());
    let info_el = r.required(f.info)?;
    let data_el = r.required(f.data)?;
    r.finish()?;
    Ok((info_el, data_el))
}

/// The optional `data` inside the frame's data element.
fn read_data(doc: &Document, data_el: NodeId, f: Frame) -> Result<Option<Data>, EnvelopeError> {
    let mut d = Seq::new(doc, data_el, format!("{}/{}", f.wrapper_path(), f.data));
    let data = d.optional("data").map(|el| Data::read(doc, el));
    d.finish()?;
    Ok(data)
}
