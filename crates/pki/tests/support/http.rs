//! A tiny HTTP/1.1 server on 127.0.0.1 for tests: serves registered paths, counts
//! requests, can stream a large body with or without Content-Length. One thread per
//! connection; stops when dropped.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A function from a request body to a response body.
pub type Handler = Arc<dyn Fn(&[u8]) -> Vec<u8> + Send + Sync>;

/// What a path answers.
#[derive(Clone)]
pub enum Body {
    /// 200 with what the function makes of the request body (a TSA, a responder).
    Handler(Handler),
    /// 200 with these bytes (and Content-Length).
    Bytes(Vec<u8>),
    /// 200 with `n` bytes of 0x30; `with_length` controls the Content-Length header.
    Large { n: usize, with_length: bool },
    /// This status, empty body.
    Status(u16),
    /// Read the request, then never answer (hold the connection until the server stops).
    Hang,
    /// 200 with these bytes and an `ETag`, or 304 (counted as hits of "304 PATH") when
    /// the request's `If-None-Match` names that ETag.
    Tagged {
        /// The body.
        bytes: Vec<u8>,
        /// Its ETag (with the quotes).
        etag: String,
    },
    /// 200 with these bytes (and Content-Length), one byte every `every` (a slow drip).
    Drip {
        /// The body.
        bytes: Vec<u8>,
        /// Pause between bytes.
        every: std::time::Duration,
    },
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Body>,
    hits: HashMap<String, usize>,
}

/// The server.
pub struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Bind 127.0.0.1:0 and serve in a background thread.
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, sp) = (st.clone(), sp.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, &st, &sp);
                });
            }
        });
        Server { port, state, stop }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Serve `body` at `path` (e.g. "/crl/ca.crl").
    pub fn route(&self, path: &str, body: Body) {
        self.state.lock().unwrap().routes.insert(path.into(), body);
    }

    /// How many requests `path` received.
    pub fn hits(&self, path: &str) -> usize {
        *self.state.lock().unwrap().hits.get(path).unwrap_or(&0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle(mut conn: TcpStream, state: &Mutex<State>, stop: &AtomicBool) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0usize;
    let mut if_none_match = None;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        if h == "\r\n" || h.is_empty() {
            break;
        }
        let lower = h.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            content_length = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("if-none-match:") {
            if_none_match = h.split_once(':').map(|(_, v)| v.trim().to_string());
        }
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let route = {
        let mut s = state.lock().unwrap();
        *s.hits.entry(path.clone()).or_default() += 1;
        s.routes.get(&path).cloned()
    };
    match route {
        Some(Body::Handler(f)) => {
            let b = f(&body);
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )?;
            conn.write_all(&b)?;
        }
        Some(Body::Bytes(b)) => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )?;
            conn.write_all(&b)?;
        }
        Some(Body::Large { n, with_length }) => {
            if with_length {
                write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n"
                )?;
            } else {
                write!(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            }
            let chunk = vec![0x30u8; 1 << 16];
            let mut left = n;
            while left > 0 {
                let k = left.min(chunk.len());
                if conn.write_all(&chunk[..k]).is_err() {
                    break; // the client gave up (size cap)
                }
                left -= k;
            }
        }
        Some(Body::Tagged { bytes, etag }) => {
            if if_none_match.as_deref() == Some(etag.as_str()) {
                *state
                    .lock()
                    .unwrap()
                    .hits
                    .entry(format!("304 {path}"))
                    .or_default() += 1;
                write!(
                    conn,
                    "HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n"
                )?;
            } else {
                write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    bytes.len()
                )?;
                conn.write_all(&bytes)?;
            }
        }
        Some(Body::Drip { bytes, every }) => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            )?;
            for b in bytes {
                if stop.load(Ordering::SeqCst) || conn.write_all(&[b]).is_err() {
                    break;
                }
                conn.flush()?;
                std::thread::sleep(every);
            }
        }
        Some(Body::Hang) => {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
        Some(Body::Status(code)) => {
            write!(
                conn,
                "HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
        }
        None => {
            write!(
                conn,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
        }
    }
    conn.flush()
}
