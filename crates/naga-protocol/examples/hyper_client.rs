//! Drives naga-protocol with nothing but a bare hyper 1 client connection
//! (`hyper::client::conn::http1`) against the local emulator: one completion, then one
//! streamed completion decoded as its bytes arrive. This is all a custom runtime needs.
//!
//! `cargo run -p naga-protocol --example hyper_client`

use std::error::Error;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatRequest, Config, Message, StreamDecoder,
    StreamingOperation, build_request, check_status, parse_response,
};
use tokio::net::TcpStream;

type BoxError = Box<dyn Error + Send + Sync>;

/// Sends one request over a fresh HTTP/1.1 connection and returns the response head and body.
async fn send(
    addr: std::net::SocketAddr,
    request: http::Request<Bytes>,
) -> Result<http::Response<Incoming>, BoxError> {
    let stream = TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let (mut parts, body) = request.into_parts();
    let host = parts.uri.authority().map(|a| a.to_string()).unwrap_or_default();
    parts.headers.insert(http::header::HOST, host.parse()?);
    Ok(sender.send_request(http::Request::from_parts(parts, Full::new(body))).await?)
}

/// A plain completion: build, send, collect, parse.
async fn complete(
    addr: std::net::SocketAddr,
    config: &Config,
    request: &ChatRequest,
) -> Result<ChatCompletion, BoxError> {
    let response = send(addr, build_request(config, request)?).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(parse_response::<ChatRequest>(parts.status, &parts.headers, &body)?)
}

/// A streamed completion: each body frame is fed to the decoder as it arrives.
async fn stream(
    addr: std::net::SocketAddr,
    config: &Config,
    request: &ChatRequest,
) -> Result<ChatCompletion, BoxError> {
    let response = send(addr, build_request(config, request)?).await?;
    let (parts, mut body) = response.into_parts();
    if !parts.status.is_success() {
        let bytes = body.collect().await?.to_bytes();
        check_status(parts.status, &parts.headers, &bytes)?;
        return Err("unreachable: a non-success status is always an error".into());
    }
    let mut decoder = request.decoder();
    let mut accumulator = ChatAccumulator::new();
    let mut ended = false;
    while !ended && !decoder.is_done() {
        match body.frame().await.transpose()? {
            Some(frame) => decoder.feed(frame.data_ref().map_or(&[][..], |data| &data[..])),
            None => {
                decoder.finish();
                ended = true;
            }
        }
        // A truncated stream shows up here as an error item after `finish`.
        while let Some(chunk) = decoder.next_item() {
            let chunk = chunk?;
            if let Some(text) = chunk.choices.first().and_then(|c| c.delta.text()) {
                print!("{text}");
            }
            accumulator.push(&chunk);
        }
    }
    println!();
    Ok(accumulator.finish())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let server = naga_mock::MockServer::start().await;
    let config = Config::new("ng-example-key")?.with_base_url(&server.base_url())?;
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")]);

    let completion = complete(server.addr(), &config, &request).await?;
    println!("{}", completion.text().unwrap_or_default());

    let streamed = stream(server.addr(), &config, &request.clone().stream_with_usage()).await?;
    assert_eq!(streamed.text(), completion.text(), "the stream adds up to the same answer");
    assert_eq!(streamed.usage, completion.usage);
    assert_eq!(server.request_count("/v1/chat/completions"), 2);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn bare_hyper_drives_the_protocol() {
        super::main().unwrap();
    }
}
