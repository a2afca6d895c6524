//! A stream that ends with `[DONE]` hands its connection back to the pool: the next call
//! goes over the same connection (no new TCP or TLS handshake), as a non-streaming call's
//! does (hyper has read the body's end with the last event). Against a keep-alive server
//! that counts the connections it accepts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use naga_async::Client;
use naga_protocol::{ChatRequest, Config, Message};

/// One chat stream ending in `[DONE]`, then the chunked body's end, in one write.
const STREAM: &str = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Tokyo.\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

/// Answers every request of every connection with [`STREAM`]; returns its base URL and the
/// count of connections accepted.
fn keep_alive_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || serve(connection));
        }
    });
    (url, accepted)
}

/// Reads requests (head and `content-length` body) and answers each, until the client closes.
fn serve(connection: TcpStream) {
    let mut writer = connection.try_clone().unwrap();
    let mut reader = BufReader::new(connection);
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{STREAM}\r\n0\r\n\r\n",
            STREAM.len()
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_that_end_with_done_reuse_one_connection() {
    let (url, accepted) = keep_alive_server();
    let config = Config::new("ng-test-key").unwrap().with_base_url(&url).unwrap();
    let client = Client::new(config).unwrap();
    let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]);
    for _ in 0..3 {
        let task = tokio::spawn({
            let (client, request) = (client.clone(), request.clone());
            async move { client.chat_stream(&request).await.unwrap().into_completion().await }
        });
        let completion = task.await.unwrap().unwrap();
        assert_eq!(completion.text(), Some("Tokyo."));
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "a connection per stream");
}
