//! The properties each fuzz target asserts, as plain functions over the fuzzer's bytes.
//!
//! Every function here is also run by the SDK's normal test suite on the inputs kept in
//! `fuzz/regressions/<target>/` (this file is included there by path), so it depends on
//! nothing but `naga-protocol`, `bytes`, `http` and `serde_json`.
//!
//! Input layout shared by the stream targets: byte 0 picks how many of the following bytes
//! (0..=7) are chunk sizes and whether a small event size limit is used; the rest is the
//! body. The body is fed whole once, and in chunks of those sizes (cycled) once; both runs
//! must produce exactly the same items: a differential check, not just "did not crash".

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatRequest, ChatStream, CreateKey,
    EmbeddingRequest, Error, ErrorResponse, GetActivity, GetBalance, ImageGenerationRequest,
    ListKeys, ListModels, MAX_SNIPPET_BYTES, MessageAccumulator, MessageEvent, MessageStream,
    MessagesRequest, MessagesResponse, ModelList, ModerationRequest, ModerationResponse,
    ResponseAccumulator, ResponseEvent, ResponseObject, ResponseStream, ResponsesRequest,
    SseParser, StreamAccumulator, StreamDecoder, StreamError, decode_json, parse_api_error,
    parse_response,
};

/// How a stream target's input is laid out: chunk sizes, event size limit, body.
#[derive(Debug, Clone, Copy)]
pub struct StreamInput<'a> {
    /// Chunk sizes, cycled; a `0` feeds an empty slice before a one-byte chunk.
    pub sizes: &'a [u8],
    /// The event size limit for the parser.
    pub limit: usize,
    /// The response body.
    pub body: &'a [u8],
}

impl<'a> StreamInput<'a> {
    /// Splits fuzzer bytes into sizes, limit and body (never panics, any length).
    pub fn parse(data: &'a [u8]) -> Self {
        let Some((&head, rest)) = data.split_first() else {
            return StreamInput { sizes: &[], limit: SseParser::DEFAULT_MAX_EVENT_SIZE, body: &[] };
        };
        let count = usize::from(head & 0x07).min(rest.len());
        let (sizes, body) = rest.split_at(count);
        let limit = if head & 0x08 == 0 {
            SseParser::DEFAULT_MAX_EVENT_SIZE
        } else {
            usize::from(head >> 4) * 16 + 8
        };
        StreamInput { sizes, limit, body }
    }

    /// The body cut into chunks by `sizes` (the whole body when there are none).
    pub fn chunks(&self) -> Vec<&'a [u8]> {
        if self.sizes.is_empty() {
            return vec![self.body];
        }
        let mut chunks = Vec::new();
        let mut rest = self.body;
        for &size in self.sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            if size == 0 {
                chunks.push(&rest[..0]);
            }
            let (chunk, tail) = rest.split_at(usize::from(size).clamp(1, rest.len()));
            chunks.push(chunk);
            rest = tail;
        }
        chunks
    }
}

/// One item an [`SseParser`] handed out, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum SseItem {
    /// A dispatched event: type, data, last event id, retry.
    Event(String, String, String, Option<u64>),
    /// A broken event.
    Error(StreamError),
}

/// Everything observable from one SSE parse.
#[derive(Debug, Clone, PartialEq)]
pub struct SseRun {
    /// Items in order, including those drained after `finish`.
    pub items: Vec<SseItem>,
    /// What `finish` returned (an incomplete event was discarded).
    pub discarded: bool,
    /// `last_event_id()` at the end.
    pub last_event_id: String,
    /// `reconnection_time()` at the end.
    pub reconnection_time: Option<u64>,
}

fn drain_sse(parser: &mut SseParser, items: &mut Vec<SseItem>) {
    while let Some(item) = parser.next_event() {
        items.push(match item {
            Ok(e) => SseItem::Event(e.event.into(), e.data.into(), e.id.into(), e.retry),
            Err(err) => SseItem::Error(err),
        });
    }
}

/// Feeds `chunks` to a parser with `limit` (copied with `feed`, or as `Bytes` reads with
/// `feed_bytes`), draining after every chunk, then finishes.
pub fn run_sse(limit: usize, chunks: &[&[u8]], as_bytes: bool) -> (SseRun, u64) {
    let mut parser = SseParser::with_max_event_size(limit);
    let mut items = Vec::new();
    for chunk in chunks {
        if as_bytes {
            parser.feed_bytes(Bytes::copy_from_slice(chunk));
        } else {
            parser.feed(chunk);
        }
        drain_sse(&mut parser, &mut items);
    }
    let discarded = parser.finish();
    drain_sse(&mut parser, &mut items);
    // Bytes after the end are reported exactly once, then nothing.
    parser.feed(b"data: late\n\n");
    let late: Vec<_> = std::iter::from_fn(|| parser.next_event().map(|r| r.map(|_| ()))).collect();
    assert_eq!(late, [Err(StreamError::DataAfterEnd)], "bytes after finish");
    let run = SseRun {
        items,
        discarded,
        last_event_id: parser.last_event_id().to_owned(),
        reconnection_time: parser.reconnection_time(),
    };
    (run, parser.bytes_scanned())
}

/// Target `sse`: split feeding equals whole feeding, with `feed` and with `feed_bytes`;
/// fields hold no line breaks; each byte is scanned at most once.
pub fn sse(data: &[u8]) {
    let input = StreamInput::parse(data);
    let (whole, scanned) = run_sse(input.limit, &[input.body], false);
    let (split, split_scanned) = run_sse(input.limit, &input.chunks(), false);
    assert_eq!(whole, split, "split feeding changed the events");
    let (reads, reads_scanned) = run_sse(input.limit, &input.chunks(), true);
    assert_eq!(whole, reads, "feeding `Bytes` reads changed the events");
    assert_eq!(split_scanned, reads_scanned, "`feed_bytes` scanned differently");
    let len = input.body.len() as u64;
    assert!(scanned <= len && split_scanned <= len, "scanned {scanned}/{split_scanned} of {len}");
    for item in &whole.items {
        match item {
            SseItem::Event(event, data, id, _) => {
                assert!(!event.is_empty() && !event.contains(['\r', '\n']), "event {event:?}");
                assert!(!data.contains('\r') && !id.contains(['\r', '\n', '\0']), "{data:?}");
            }
            SseItem::Error(StreamError::EventTooLarge { limit }) => assert_eq!(*limit, input.limit),
            SseItem::Error(StreamError::InvalidUtf8 { offset }) => assert!(*offset < len),
            SseItem::Error(other) => panic!("unexpected parser error {other:?}"),
        }
    }
}

/// What [`ChatStream::next_chunk`] hands out.
pub type ChunkResult = Result<ChatCompletionChunk, Error>;

/// Everything observable from one chat stream decode.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRun {
    /// Chunks and errors in order.
    pub items: Vec<ChunkResult>,
    /// The accumulated completion of the `Ok` chunks.
    pub completion: ChatCompletion,
    /// `events_seen()` at the end.
    pub events: usize,
}

fn drain_chat(stream: &mut ChatStream, acc: &mut ChatAccumulator, items: &mut Vec<ChunkResult>) {
    while let Some(item) = stream.next_chunk() {
        if let Ok(chunk) = &item {
            acc.push(chunk);
            let snapshot = acc.snapshot();
            assert!(snapshot.choices.is_sorted_by_key(|choice| choice.index), "unsorted");
            assert_eq!(snapshot.object, "chat.completion");
        }
        items.push(item);
    }
}

/// Feeds `chunks` to a [`ChatStream`] and every chunk to a [`ChatAccumulator`].
pub fn run_chat(limit: usize, chunks: &[&[u8]]) -> ChatRun {
    let mut stream = ChatStream::with_max_event_size(limit);
    let mut acc = ChatAccumulator::new();
    let mut items = Vec::new();
    for chunk in chunks {
        stream.feed(chunk);
        drain_chat(&mut stream, &mut acc, &mut items);
    }
    stream.finish();
    drain_chat(&mut stream, &mut acc, &mut items);
    assert!(stream.is_done(), "a finished, drained stream is done");
    stream.feed(b"data: {}\n\n");
    assert!(stream.next_chunk().is_none(), "nothing after the end");
    let snapshot = acc.snapshot();
    let completion = acc.finish();
    assert_eq!(snapshot, completion, "snapshot differs from finish");
    ChatRun { items, completion, events: stream.events_seen() }
}

/// The items of [`ChatStream::next_chunk_into`] fed `chunks`, one chunk (starting as
/// `start`) reused throughout, cloned into the list after each.
pub fn run_chat_into(
    limit: usize,
    chunks: &[&[u8]],
    start: ChatCompletionChunk,
) -> Vec<ChunkResult> {
    let mut stream = ChatStream::with_max_event_size(limit);
    let mut chunk = start;
    let mut items = Vec::new();
    let mut drain = |stream: &mut ChatStream, chunk: &mut ChatCompletionChunk| {
        while let Some(item) = stream.next_chunk_into(chunk) {
            items.push(item.map(|()| chunk.clone()));
        }
    };
    for piece in chunks {
        stream.feed(piece);
        drain(&mut stream, &mut chunk);
    }
    stream.finish();
    drain(&mut stream, &mut chunk);
    items
}

/// Target `chat_stream`: split feeding equals whole feeding, and so does reading into one
/// reused chunk; at most one truncation, last; an API error frame ends the stream; the
/// accumulator agrees with `accumulate`.
pub fn chat_stream(data: &[u8]) {
    let input = StreamInput::parse(data);
    let whole = run_chat(input.limit, &[input.body]);
    let split = run_chat(input.limit, &input.chunks());
    assert_eq!(whole, split, "split feeding changed the chunks");
    let reused = run_chat_into(input.limit, &input.chunks(), ChatCompletionChunk::default());
    assert_eq!(reused, whole.items, "a reused chunk changed the chunks");
    let is_end = |item: &Result<_, Error>| match item {
        Err(Error::Stream(StreamError::Truncated { .. })) => true,
        Err(Error::Api(api)) => api.status.is_none(),
        _ => false,
    };
    let ends = whole.items.iter().filter(|item| is_end(item)).count();
    assert!(ends <= 1, "{ends} ends (truncation or error frame)");
    if ends == 1 {
        assert!(whole.items.last().is_some_and(is_end), "an end that is not last");
    }
    if let Some(Err(Error::Stream(StreamError::Truncated { events }))) = whole.items.last() {
        assert_eq!(*events, whole.events, "truncation counts the events seen");
    }
    let accumulated = match ChatAccumulator::accumulate(whole.items.iter().cloned()) {
        Ok(completion) => completion,
        Err(partial) => *partial.partial,
    };
    let first_err = whole.items.iter().position(Result::is_err).unwrap_or(whole.items.len());
    let mut acc = ChatAccumulator::new();
    whole.items[..first_err].iter().flatten().for_each(|chunk| acc.push(chunk));
    assert_eq!(accumulated, acc.finish(), "accumulate differs from push");
    for item in &whole.items {
        check_error(item.as_ref().err(), data.len());
    }
    typed_stream::<_, ResponseAccumulator>(&input, data.len(), || {
        ResponseStream::with_max_event_size(input.limit)
    });
    typed_stream::<_, MessageAccumulator>(&input, data.len(), || {
        MessageStream::with_max_event_size(input.limit)
    });
}

/// Every item of `decoder` fed `chunks`; after the end it is done and takes nothing more.
fn run_typed<D: StreamDecoder>(mut decoder: D, chunks: &[&[u8]]) -> Vec<Result<D::Item, Error>> {
    let mut items = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk);
        items.extend(std::iter::from_fn(|| decoder.next_item()));
    }
    decoder.finish();
    items.extend(std::iter::from_fn(|| decoder.next_item()));
    assert!(decoder.is_done(), "a finished, drained stream is done");
    decoder.feed(b"data: {}\n\n");
    assert!(decoder.next_item().is_none(), "nothing after the end");
    items
}

/// The `chat_stream` properties for a typed event stream (Responses, Messages) on the same
/// input: split feeding equals whole feeding, at most one end (truncation or API error),
/// last; adding up the events never panics.
fn typed_stream<D, A>(input: &StreamInput<'_>, input_len: usize, decoder: impl Fn() -> D)
where
    D: StreamDecoder,
    D::Item: PartialEq + std::fmt::Debug,
    A: StreamAccumulator<Item = D::Item>,
    A::Output: PartialEq + std::fmt::Debug,
{
    let whole = run_typed(decoder(), &[input.body]);
    assert_eq!(whole, run_typed(decoder(), &input.chunks()), "split feeding changed the events");
    let is_end = |item: &Result<_, Error>| match item {
        Err(Error::Stream(StreamError::Truncated { .. })) => true,
        Err(Error::Api(api)) => api.status.is_none(),
        _ => false,
    };
    let ends = whole.iter().filter(|item| is_end(item)).count();
    assert!(ends <= 1, "{ends} ends of a typed stream");
    if ends == 1 {
        assert!(whole.last().is_some_and(is_end), "an end that is not last");
    }
    // Adding up every event (even past an error) never panics, and is repeatable.
    let add_up = || {
        let mut accumulator = A::default();
        whole.iter().flatten().for_each(|event| accumulator.push(event));
        accumulator.finish()
    };
    assert_eq!(add_up(), add_up(), "adding up is not repeatable");
    for item in &whole {
        check_error(item.as_ref().err(), input_len);
    }
}

/// Target `chunk_json`: on one frame's text, `ChatCompletionChunk::from_json` (its fast path,
/// then serde) gives exactly serde's value or error, and the fast path alone gives nothing
/// or that same value (never a value where serde fails); only where serde refuses a lone
/// surrogate escape may `from_json` read it (as U+FFFD). The same text is also checked as a
/// completion body ([`completion_json`]).
pub fn chunk_json(data: &[u8]) {
    completion_json(data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    typed_frames_agree(text);
    let serde = serde_json::from_str::<ChatCompletionChunk>(text);
    if let Some(fast) = ChatCompletionChunk::from_json_fast_path(text) {
        assert_eq!(Some(&fast), serde.as_ref().ok(), "the fast path differs from serde");
    }
    let public = ChatCompletionChunk::from_json(text);
    if public.is_ok() && serde.is_err() {
        assert!(has_surrogate_escape(text), "from_json reads what serde refuses");
        return;
    }
    assert_eq!(public.as_ref().ok(), serde.as_ref().ok(), "from_json differs from serde");
    assert_eq!(public.is_err(), serde.is_err(), "from_json errs where serde does not, or back");
}

/// Whether `text` holds a UTF-16 surrogate escape (`\ud800` to `\udfff`, either case).
fn has_surrogate_escape(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["\\ud8", "\\ud9", "\\uda", "\\udb", "\\udc", "\\udd", "\\ude", "\\udf"]
        .iter()
        .any(|half| lower.contains(half))
}

/// A frame opening with `{"type":"` (what the typed streams read in one pass when it is a
/// delta) decodes through the stream decoders exactly as through the general
/// `ResponseEvent::from_json` / `MessageEvent::from_json` (error events aside, which the
/// streams turn into errors).
fn typed_frames_agree(text: &str) {
    if !text.starts_with(r#"{"type":""#)
        || text.contains(['\n', '\r'])
        || text.ends_with(char::is_whitespace)
    {
        return;
    }
    let frame = format!("data: {text}\n\n");
    let failure = |kind: &str| kind == "error" || kind == "response.failed";
    if let Ok(general) = ResponseEvent::from_json(text).map_err(drop)
        && !failure(general.kind())
    {
        let mut stream = ResponseStream::new();
        stream.feed(frame.as_bytes());
        assert_eq!(stream.next_event().and_then(Result::ok), Some(general), "response frame");
    }
    if let Ok(general) = MessageEvent::from_json(text).map_err(drop)
        && !failure(general.kind())
    {
        let mut stream = MessageStream::new();
        stream.feed(frame.as_bytes());
        assert_eq!(stream.next_event().and_then(Result::ok), Some(general), "message frame");
    }
}

/// `ChatCompletion::from_json` gives exactly `decode_json`'s value or error on any bytes,
/// and its fast path alone gives nothing or that same value.
fn completion_json(body: &[u8]) {
    let serde = decode_json::<ChatCompletion>("chat completion", body);
    if let Some(fast) = ChatCompletion::from_json_fast_path(body) {
        assert_eq!(Some(&fast), serde.as_ref().ok(), "the completion fast path differs from serde");
    }
    assert_eq!(ChatCompletion::from_json(body), serde, "from_json differs from decode_json");
}

/// Bounds every error must respect whatever the input.
fn check_error(err: Option<&Error>, input_len: usize) {
    let Some(err) = err else { return };
    let _ = err.to_string();
    match err {
        Error::Decode { offset, snippet, .. } => {
            assert!(*offset <= input_len, "offset {offset} past {input_len}");
            assert!(snippet.len() <= 3 * MAX_SNIPPET_BYTES, "snippet of {}", snippet.len());
        }
        Error::Api(api) => {
            assert!(api.body_snippet.len() <= 3 * MAX_SNIPPET_BYTES, "body snippet too long");
            if let Some(retry) = api.retry_after {
                let _ = retry.delay_from(SystemTime::UNIX_EPOCH);
                let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
                let _ = retry.delay_from(now);
            }
        }
        Error::Stream(_) => {}
        other => panic!("a response parser returned {other:?}"),
    }
}

/// Splits a `response` input: status (2 bytes), header block (length from byte 2), body.
pub fn response_input(data: &[u8]) -> (StatusCode, HeaderMap, &[u8]) {
    let (head, rest) = data.split_at(data.len().min(3));
    let [lo, hi, len] = <[u8; 3]>::try_from(head).unwrap_or([200, 0, 0]);
    let code = 100 + u16::from_le_bytes([lo, hi]) % 500;
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    let (block, body) = rest.split_at(usize::from(len & 0x3f).min(rest.len()));
    let mut headers = HeaderMap::new();
    let retry_name = if len & 0x40 == 0 { "retry-after" } else { "retry-after-ms" };
    let id_name = if len & 0x80 == 0 { "x-request-id" } else { "cf-ray" };
    for (name, value) in [retry_name, id_name].iter().zip(block.split(|&b| b == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    (status, headers, body)
}

/// Target `response`: every non-streaming body reader (chat completion, model list,
/// embeddings, moderation, images, account answers, error body), for any status, headers and body.
pub fn response(data: &[u8]) {
    let (status, headers, body) = response_input(data);
    completion_json(body);
    let parsed = parse_response::<ChatRequest>(status, &headers, body);
    match &parsed {
        Ok(completion) => {
            assert!(status.is_success());
            let text = serde_json::to_vec(completion).ok();
            let again =
                text.as_deref().map(|text| decode_json::<ChatCompletion>("chat completion", text));
            assert!(matches!(again, Some(Ok(_))), "a parsed completion re-encodes and decodes");
        }
        // A success body of server-sent events is read as a stream: its error frame has no
        // status, and it can end truncated.
        Err(Error::Api(api)) => {
            let frame = status.is_success() && api.status.is_none();
            assert!(api.status == Some(status) || frame, "{api:?} for {status}");
        }
        Err(Error::Decode { .. } | Error::Stream(_)) => assert!(status.is_success()),
        Err(other) => panic!("parse_response returned {other:?}"),
    }
    check_error(parsed.as_ref().err(), body.len());
    let models = parse_response::<ListModels>(status, &headers, body);
    if let Ok(list) = &models {
        let text = serde_json::to_vec(list).ok();
        let again = text.as_deref().map(|text| decode_json::<ModelList>("model list", text));
        assert!(matches!(again, Some(Ok(_))), "a parsed model list re-encodes and decodes");
    }
    check_error(models.as_ref().err(), body.len());
    let embeddings = parse_response::<EmbeddingRequest>(status, &headers, body);
    if let Ok(answer) = &embeddings {
        // Vectors decode or fail as a typed error (base64 of whole f32s or not), never panic.
        match answer.vectors() {
            Ok(vectors) => assert_eq!(vectors.len(), answer.data.len()),
            Err(err) => assert!(matches!(err, Error::Decode { what: "embedding", .. }), "{err:?}"),
        }
    }
    check_error(embeddings.as_ref().err(), body.len());
    let moderation = parse_response::<ModerationRequest>(status, &headers, body);
    if let Ok(answer) = &moderation {
        let text = serde_json::to_vec(answer).unwrap_or_default();
        let again = decode_json::<ModerationResponse>("moderation", &text);
        assert_eq!(again.as_ref(), Ok(answer), "a parsed moderation re-encodes to itself");
    }
    check_error(moderation.as_ref().err(), body.len());
    let images = parse_response::<ImageGenerationRequest>(status, &headers, body);
    if let Ok(answer) = &images {
        for image in &answer.data {
            match image.bytes() {
                None => assert!(image.b64_json.is_none()),
                Some(Ok(bytes)) => assert!(bytes.len() <= body.len(), "decoded more than was sent"),
                Some(Err(err)) => assert!(matches!(err, Error::Decode { what: "image", .. })),
            }
        }
    }
    check_error(images.as_ref().err(), body.len());
    check_error(parse_response::<GetBalance>(status, &headers, body).err().as_ref(), body.len());
    check_error(parse_response::<GetActivity>(status, &headers, body).err().as_ref(), body.len());
    check_error(parse_response::<ListKeys>(status, &headers, body).err().as_ref(), body.len());
    let created = parse_response::<CreateKey>(status, &headers, body);
    if let Ok(created) = &created
        && created.key.is_some()
    {
        // The plaintext never prints, whatever it is.
        assert_eq!(format!("{:?}", created.key), "Some(PlaintextKey(***))");
    }
    check_error(created.as_ref().err(), body.len());
    let answer = parse_response::<ResponsesRequest>(status, &headers, body);
    if let Ok(answer) = &answer {
        // A parsed response (or events added up) re-encodes to itself.
        let text = serde_json::to_vec(answer).unwrap_or_default();
        let again = decode_json::<ResponseObject>("response", &text);
        assert_eq!(again.as_ref(), Ok(answer), "a parsed response re-encodes to itself");
        let _ = (answer.output_text(), answer.reasoning_summary(), answer.refusal());
    }
    check_error(answer.as_ref().err(), body.len());
    let message = parse_response::<MessagesRequest>(status, &headers, body);
    if let Ok(message) = &message {
        let text = serde_json::to_vec(message).unwrap_or_default();
        let again = decode_json::<MessagesResponse>("message", &text);
        assert_eq!(again.as_ref(), Ok(message), "a parsed message re-encodes to itself");
        let _ = (message.text(), message.thinking(), message.tool_uses().count());
    }
    check_error(message.as_ref().err(), body.len());
    for status in [Some(status), None] {
        let err = parse_api_error(status, &headers, body);
        assert!(matches!(&err, Error::Api(api) if api.status == status), "{err:?}");
        check_error(Some(&err), body.len());
    }
    for err in [
        decode_json::<ChatCompletionChunk>("chat completion chunk", body).err(),
        decode_json::<ErrorResponse>("error", body).err(),
    ] {
        check_error(err.as_ref(), body.len());
    }
}
