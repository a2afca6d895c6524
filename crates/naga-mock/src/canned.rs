//! Scripted raw HTTP replies: a tiny HTTP/1.1 server on loopback that answers request `i`
//! with the `i`-th reply of a script, byte for byte.
//!
//! Where [`MockServer`](crate::MockServer) emulates the Naga API, this server says exactly
//! what a test scripted: odd statuses and headers, a stream cut or stalled at a chosen byte, a
//! body trickled in pieces. It runs on plain threads (no runtime needed), so it serves blocking
//! and async clients alike.
//!
//! ```
//! use std::io::{Read, Write};
//! use naga_mock::canned::{CannedServer, json};
//!
//! let server = CannedServer::start(vec![json(200, "x-request-id: r1\r\n", r#"{"ok":true}"#)]);
//! let addr = server.url.trim_start_matches("http://").trim_end_matches("/v1");
//! let mut stream = std::net::TcpStream::connect(addr)?;
//! stream.write_all(b"GET /v1/x HTTP/1.1\r\nhost: a\r\n\r\n")?;
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer)?;
//! assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with(r#"{"ok":true}"#));
//! assert_eq!(server.count(), 1);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// What the server does with one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Write these bytes and close.
    Raw(String),
    /// Write these bytes, then stay silent for this long before closing.
    Stall(String, Duration),
    /// Write each piece, pausing this long before every piece after the first.
    Slow(Vec<String>, Duration),
    /// Write these bytes, then reset the connection (an RST, not a FIN), once the client
    /// has had a moment to read them (a reset can discard bytes not yet read).
    Reset(String),
}

/// A JSON response with this status, extra header lines (each ending in `\r\n`) and body.
pub fn json(status: u16, extra: &str, body: &str) -> Reply {
    Reply::Raw(format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// Head of an event-stream response without content length (the body ends at close), with
/// `x-request-id: req-s`.
pub fn sse_head() -> String {
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: req-s\r\nconnection: close\r\n\r\n".to_owned()
}

/// An event-stream response carrying these events (each followed by a blank line) and then
/// closing.
pub fn sse(events: &[&str]) -> Reply {
    let body: String = events.iter().map(|event| format!("{event}\n\n")).collect();
    Reply::Raw(format!("{}{body}", sse_head()))
}

/// A base URL (`http://127.0.0.1:PORT/v1`) where nothing listens: the port was bound, then
/// released.
pub fn refused_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
    format!("http://127.0.0.1:{}/v1", port.unwrap_or(9))
}

/// A server answering request number `i` with `script[i]`; the last entry repeats (an empty
/// script closes every connection unanswered).
#[derive(Debug)]
#[non_exhaustive]
pub struct CannedServer {
    /// The base URL to give a client: `http://127.0.0.1:PORT/v1`.
    pub url: String,
    /// Connections accepted so far.
    pub requests: Arc<AtomicUsize>,
    /// Each request received, in order: its head (request line and headers), a blank line and
    /// its body (as far as `content-length` said), as text.
    pub bodies: Arc<Mutex<Vec<String>>>,
}

impl CannedServer {
    /// Starts serving `script` on a loopback port, on its own threads.
    ///
    /// # Panics
    /// If no loopback port can be bound or the thread cannot start (use
    /// [`try_start`](Self::try_start) to handle that).
    #[allow(
        clippy::panic,
        reason = "documented convenience for tests; try_start returns the error"
    )]
    pub fn start(script: Vec<Reply>) -> CannedServer {
        match CannedServer::try_start(script) {
            Ok(server) => server,
            Err(err) => panic!("naga-mock: cannot start a canned server: {err}"),
        }
    }

    /// Starts serving `script` on a loopback port, on its own threads.
    pub fn try_start(script: Vec<Reply>) -> io::Result<CannedServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/v1", listener.local_addr()?);
        let requests = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (count, seen) = (requests.clone(), bodies.clone());
        std::thread::Builder::new()
            .name("naga-canned".to_owned())
            .spawn(move || accept(&listener, &script, &count, &seen))?;
        Ok(CannedServer { url, requests, bodies })
    }

    /// Connections accepted so far.
    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// A copy of the requests received so far (see [`bodies`](Self::bodies)).
    pub fn received(&self) -> Vec<String> {
        self.bodies.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// Accepts connections for as long as the listener works; each is served on its own thread.
fn accept(
    listener: &TcpListener,
    script: &[Reply],
    count: &AtomicUsize,
    seen: &Arc<Mutex<Vec<String>>>,
) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { return };
        let index = count.fetch_add(1, Ordering::SeqCst);
        let Some(reply) = script.get(index).or(script.last()).cloned() else { continue };
        let seen = seen.clone();
        // A connection that cannot get a thread is dropped: the client sees it closed.
        let _ = std::thread::Builder::new().spawn(move || serve(stream, &reply, &seen));
    }
}

/// Records one request, then plays `reply`.
fn serve(mut stream: TcpStream, reply: &Reply, seen: &Mutex<Vec<String>>) {
    // Pieces leave when written (no Nagle delay waiting for the client's ACK).
    let _ = stream.set_nodelay(true);
    if let Ok(request) = read_request(&stream) {
        seen.lock().unwrap_or_else(PoisonError::into_inner).push(request);
    }
    let _ = play(&mut stream, reply);
}

/// Longest request body recorded; the rest is not read.
const MAX_RECORDED_BODY: usize = 16 * 1024 * 1024;

/// Reads a request head and its `content-length` body (up to [`MAX_RECORDED_BODY`]), as text.
fn read_request(stream: &TcpStream) -> io::Result<String> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut length = 0;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length.min(MAX_RECORDED_BODY)];
    let _ = reader.read_exact(&mut body);
    Ok(format!("{head}\r\n{}", String::from_utf8_lossy(&body)))
}

/// Writes `reply`, pausing where it says.
fn play(stream: &mut TcpStream, reply: &Reply) -> io::Result<()> {
    match reply {
        Reply::Raw(bytes) => stream.write_all(bytes.as_bytes()),
        Reply::Stall(bytes, pause) => {
            stream.write_all(bytes.as_bytes())?;
            stream.flush()?;
            std::thread::sleep(*pause);
            Ok(())
        }
        Reply::Slow(pieces, pause) => {
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    std::thread::sleep(*pause);
                }
                stream.write_all(piece.as_bytes())?;
                stream.flush()?;
            }
            Ok(())
        }
        Reply::Reset(bytes) => {
            stream.write_all(bytes.as_bytes())?;
            stream.flush()?;
            std::thread::sleep(Duration::from_millis(100));
            // With `SO_LINGER` 0 the close sends RST (std's `set_linger` is unstable); the
            // setting is the socket's, so it holds when the last handle closes.
            tokio::net::TcpSocket::from_std_stream(stream.try_clone()?).set_zero_linger()
        }
    }
}
