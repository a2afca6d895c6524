//! The `naga` binary, driven as a user would: arguments in, stdout / stderr / exit code out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};

use naga_mock::canned::{self, CannedServer, json};
use naga_mock::{Faults, MockServer};

const PROMPT: &str = "Write a two-line summary of Tokyo.";

/// The binary with a clean environment (no key or base URL from the developer's shell).
fn naga() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_naga"));
    command.env_remove("NAGA_API_KEY").env_remove("NAGA_BASE_URL").stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    (output, stdout, stderr)
}

#[test]
fn emulator_chat_streams_the_answer_and_reports_usage() {
    let (output, stdout, stderr) = run(naga().args(["--emulator", "chat", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("[naga-mock]"), "{stdout}");
    assert!(stdout.contains("東京"), "{stdout}");
    assert!(stderr.contains("tokens:"), "{stderr}");
    assert!(stderr.contains("finish: stop"), "{stderr}");
}

#[test]
fn reasoning_goes_to_stderr_and_the_answer_alone_to_stdout() {
    for command in ["chat", "respond", "message"] {
        for wait in [&["--no-stream"][..], &[]] {
            let args =
                ["--emulator", command, "-m", "claude-sonnet-4.5", "--reasoning-effort", "high"];
            let (output, stdout, stderr) = run(naga().args(args).args(wait).arg(PROMPT));
            let case = format!("{command} {wait:?}");
            assert!(output.status.success(), "{case}: {stderr}");
            assert!(stdout.starts_with("[naga-mock] Emulated reply"), "{case}: {stdout}");
            assert!(!stdout.contains("Reasoning"), "{case}: {stdout}");
            let line = stderr.lines().next().unwrap_or_default();
            assert_eq!(
                line,
                "[reasoning] [naga-mock] Reasoning (effort high): the last user message has 6 words; I will answer briefly and mention Tōkyō.",
                "{case}"
            );
        }
    }
    // Without reasoning, stderr has no such line.
    let (_, _, stderr) = run(naga().args(["--emulator", "chat", PROMPT]));
    assert!(!stderr.contains("[reasoning]"), "{stderr}");
}

#[test]
fn streamed_and_waited_answers_are_the_same_text() {
    let (_, streamed, _) = run(naga().args(["--emulator", "chat", PROMPT]));
    let (output, waited, stderr) = run(naga().args(["--emulator", "chat", "--no-stream", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(streamed, waited);
}

#[test]
fn json_prints_the_final_completion() {
    let (_, text, _) = run(naga().args(["--emulator", "chat", "--no-stream", PROMPT]));
    let (output, stdout, stderr) = run(naga().args(["--emulator", "chat", "--json", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    let completion: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["choices"][0]["message"]["content"].as_str().unwrap(), text.trim_end());
    assert!(completion["usage"]["total_tokens"].as_u64().unwrap() > 0);
}

#[test]
fn max_tokens_cuts_the_answer() {
    let (output, stdout, stderr) =
        run(naga().args(["--emulator", "chat", "--max-tokens", "3", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout.split_whitespace().count(), 3, "{stdout}");
    assert!(stderr.contains("finish: length"), "{stderr}");
}

#[test]
fn prompt_is_read_from_stdin_when_absent_or_dash() {
    let (_, expected, _) = run(naga().args(["--emulator", "chat", "--no-stream", PROMPT]));
    for dash in [&[][..], &["-"]] {
        let mut child = naga()
            .args(["--emulator", "chat", "--no-stream"])
            .args(dash)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(PROMPT.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{dash:?}");
        assert_eq!(String::from_utf8(output.stdout).unwrap(), expected, "{dash:?}");
    }
    let (output, stdout, stderr) = run(naga().args(["--emulator", "chat", "  "]));
    assert_eq!((output.status.code(), stdout.as_str()), (Some(1), ""));
    assert!(stderr.contains("the prompt is empty"), "{stderr}");
}

#[test]
fn a_prompt_on_stdin_that_is_not_text_is_one_clear_line() {
    let mut child = naga()
        .args(["--emulator", "chat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\xff\xfe caf\xe9").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr, "naga: the prompt on standard input is not UTF-8 text\n");
}

#[test]
fn input_and_output_failures_say_which_stream_failed() {
    let directory = std::fs::File::open(std::env::temp_dir()).unwrap();
    let (output, _, stderr) = run(naga().args(["--emulator", "chat"]).stdin(directory));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with("naga: cannot read the prompt from standard input: "), "{stderr}");
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        for stream in [&["--no-stream"][..], &[]] {
            let (output, _, stderr) = run(naga()
                .args(["--emulator", "chat"])
                .args(stream)
                .arg(PROMPT)
                .stdout(full.try_clone().unwrap()));
            assert_eq!(output.status.code(), Some(1));
            assert!(stderr.starts_with("naga: cannot write to standard output: "), "{stderr}");
        }
    }
}

#[test]
fn missing_key_is_one_clear_line() {
    let (output, stdout, stderr) = run(naga().args(["chat", PROMPT]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("NAGA_API_KEY") && stderr.contains("--emulator"), "{stderr}");
}

#[test]
fn rejected_key_is_reported_without_the_key() {
    let server = MockServer::builder().required_api_key("ng-right").start_blocking().unwrap();
    let (output, _, stderr) = run(naga().args([
        "--base-url",
        &server.base_url(),
        "--api-key",
        "ng-wrong-secret",
        "chat",
        PROMPT,
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("API key was rejected"), "{stderr}");
    assert!(!stderr.contains("ng-wrong-secret"), "{stderr}");
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
}

#[test]
fn key_and_base_url_come_from_the_environment() {
    let server = MockServer::builder().required_api_key("ng-env").start_blocking().unwrap();
    let (output, stdout, stderr) = run(naga()
        .env("NAGA_API_KEY", "ng-env")
        .env("NAGA_BASE_URL", server.base_url())
        .args(["chat", "--no-stream", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("[naga-mock]"));
}

#[test]
fn error_frame_mid_stream_keeps_the_partial_answer_and_fails() {
    let faults = Faults { error_after_events: Some(3), ..Faults::default() };
    let server = MockServer::builder().faults(faults).start_blocking().unwrap();
    let (output, stdout, stderr) =
        run(naga().args(["--base-url", &server.base_url(), "--api-key", "k", "chat", PROMPT]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout.starts_with("[naga-mock]"), "partial answer printed: {stdout}");
    assert!(stderr.contains("server_error"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// `naga chat --no-stream` against an emulator that answers with `faults`: the emulator (for
/// its request count), the exit and the standard error.
fn chat_with_faults(faults: Faults) -> (MockServer, Output, String) {
    let server = MockServer::builder().faults(faults).start_blocking().unwrap();
    let (output, _, stderr) = run(naga().args([
        "--base-url",
        &server.base_url(),
        "--api-key",
        "k",
        "chat",
        "--no-stream",
        PROMPT,
    ]));
    (server, output, stderr)
}

#[test]
fn server_errors_are_retried_then_reported() {
    let faults = Faults { status: Some(503), retry_after: Some("0".into()), ..Faults::default() };
    let (server, output, stderr) = chat_with_faults(faults);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("503"), "{stderr}");
    assert!(stderr.contains("3 attempts"), "{stderr}");
    assert_eq!(server.request_count("/v1/chat/completions"), 3);
}

#[test]
fn models_table_lists_ids_and_prices() {
    let (output, stdout, stderr) = run(naga().args(["--emulator", "models"]));
    assert!(output.status.success(), "{stderr}");
    let mut lines = stdout.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("ID") && header.contains("CONTEXT"), "{header}");
    assert!(lines.clone().count() >= 3, "{stdout}");
    assert!(stdout.contains("gpt-4o-mini"), "{stdout}");
    assert!(lines.any(|line| line.contains(":free")), "{stdout}");
}

#[test]
fn models_json_is_the_list() {
    let (output, stdout, stderr) = run(naga().args(["--emulator", "models", "--json"]));
    assert!(output.status.success(), "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(list["data"].as_array().unwrap().iter().any(|m| m["id"] == "gpt-4o-mini"));
}

/// Starts `naga serve` with `extra` flags; returns the child and its `host:port`.
fn serve(extra: &[&str]) -> (std::process::Child, String) {
    let mut child = naga()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let base = first.trim().to_owned();
    let authority = base.strip_prefix("http://").unwrap().strip_suffix("/v1").unwrap();
    (child, authority.to_owned())
}

/// Sends `request` (with `Connection: close`) to `authority` and reads the whole response.
fn exchange(authority: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(authority).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_prints_its_base_url_first_and_answers() {
    let (mut child, authority) = serve(&[]);
    let request =
        format!("GET /v1/models HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    let response = exchange(&authority, &request);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("gpt-4o-mini"));
}

/// POSTs a one-message chat request for `model` with `key` to `authority`; the raw response.
fn post_chat(authority: &str, key: &str, model: &str) -> String {
    let body = format!(r#"{{"model":"{model}","messages":[{{"role":"user","content":"hi"}}]}}"#);
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(authority, &request)
}

#[test]
fn serve_require_key_rejects_other_keys() {
    let (mut child, authority) = serve(&["--require-key", "ng-right"]);
    let wrong = post_chat(&authority, "ng-wrong", "gpt-4o-mini");
    let right = post_chat(&authority, "ng-right", "gpt-4o-mini");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    assert!(
        wrong.ends_with(r#"{"error":{"type":"authentication_error","message":"invalid API key"}}"#),
        "{wrong}"
    );
    assert!(right.starts_with("HTTP/1.1 200"), "{right}");
}

#[test]
fn serve_free_tier_limits_refuses_the_eleventh_free_request_in_a_minute() {
    let (mut child, authority) = serve(&["--free-tier-limits"]);
    let free = "llama-3.3-70b-instruct:free";
    let answers: Vec<String> = (0..11).map(|_| post_chat(&authority, "ng-a", free)).collect();
    let paid = post_chat(&authority, "ng-a", "gpt-4o-mini");
    child.kill().unwrap();
    child.wait().unwrap();
    for (i, answer) in answers[..10].iter().enumerate() {
        assert!(answer.starts_with("HTTP/1.1 200"), "request {i}: {answer}");
    }
    let refused = &answers[10];
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(refused.contains(r#"{"error":{"type":"rate_limit_exceeded","message":"rate limit exceeded for free models: 10 requests per minute"#), "{refused}");
    assert!(paid.starts_with("HTTP/1.1 200"), "{paid}");
}

#[test]
fn embed_prints_a_vector_per_text() {
    let (output, stdout, stderr) =
        run(naga().args(["--emulator", "embed", "--dimensions", "4", "Tokyo", "Kyoto"]));
    assert!(output.status.success(), "{stderr}");
    let vectors: Vec<Vec<f32>> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(vectors.len(), 2);
    assert!(vectors.iter().all(|v| v.len() == 4), "{stdout}");
    assert_ne!(vectors[0], vectors[1]);
}

#[test]
fn speak_then_transcribe_round_trips() {
    let dir = std::env::temp_dir().join(format!("naga-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wav = dir.join("welcome.wav");
    let (output, _, stderr) =
        run(naga().args(["--emulator", "speak", "--out"]).arg(&wav).arg("welcome to Tokyo"));
    assert!(output.status.success(), "{stderr}");
    let audio = std::fs::read(&wav).unwrap();
    assert!(audio.starts_with(b"RIFF") && audio.len() == 44 + 3 * 7_200 * 2, "{}", audio.len());
    assert!(stderr.contains(&format!("wrote {} bytes", audio.len())), "{stderr}");
    let (output, stdout, stderr) = run(naga().args(["--emulator", "transcribe"]).arg(&wav));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout.trim(), "[naga-mock] Transcript of 0.9 s of WAV audio in `welcome.wav`.");
    // The format follows the file's extension.
    let mp3 = dir.join("welcome.mp3");
    let (output, _, stderr) =
        run(naga().args(["--emulator", "speak", "--out"]).arg(&mp3).arg("welcome to Tokyo"));
    assert!(output.status.success(), "{stderr}");
    let audio = std::fs::read(&mp3).unwrap();
    assert!(audio.starts_with(&[0xFF, 0xF3]) && audio.len() == 38 * 96, "{}", audio.len());
    let refused = dir.join("refused.mp3");
    let (output, _, stderr) = run(naga()
        .args(["--emulator", "speak", "-m", "gpt-4o-mini", "--out"])
        .arg(&refused)
        .arg("x"));
    assert!(!output.status.success() && stderr.contains("audio.speech"), "{stderr}");
    assert!(!refused.exists(), "no file for a refused request");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn respond_streams_the_same_text_as_chat_through_the_responses_api() {
    let (_, chat, _) = run(naga().args(["--emulator", "chat", "--no-stream", PROMPT]));
    let (output, streamed, stderr) = run(naga().args(["--emulator", "respond", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(streamed, chat);
    assert!(stderr.contains("status: completed") && stderr.contains("output ="), "{stderr}");
    let (output, waited, stderr) =
        run(naga().args(["--emulator", "respond", "--no-stream", PROMPT]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(waited, streamed);
}

#[test]
fn respond_json_prints_the_response_object_and_a_cut_answer_says_incomplete() {
    let args = ["--emulator", "respond", "--json", "--max-tokens", "3", PROMPT];
    let (output, stdout, stderr) = run(naga().args(args));
    assert!(output.status.success(), "{stderr}");
    let response: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(response["object"], "response");
    assert_eq!(response["status"], "incomplete");
    assert_eq!(response["incomplete_details"]["reason"], "max_output_tokens");
    assert!(stderr.contains("status: incomplete"), "{stderr}");
}

#[test]
fn message_streams_the_same_text_through_the_messages_api() {
    let args = ["--emulator", "message", "-m", "claude-sonnet-4.5", PROMPT];
    let (output, streamed, stderr) = run(naga().args(args));
    assert!(output.status.success(), "{stderr}");
    assert!(streamed.starts_with("[naga-mock]"), "{streamed}");
    assert!(stderr.contains("stop: end_turn") && stderr.contains("output"), "{stderr}");
    let args = ["--emulator", "message", "-m", "claude-sonnet-4.5", "--no-stream", PROMPT];
    let (output, waited, stderr) = run(naga().args(args));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(waited, streamed);
    let args =
        ["--emulator", "message", "-m", "claude-sonnet-4.5", "--json", "--max-tokens", "3", PROMPT];
    let (output, stdout, stderr) = run(naga().args(args));
    assert!(output.status.success(), "{stderr}");
    let message: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (message["type"].as_str(), message["stop_reason"].as_str()),
        (Some("message"), Some("max_tokens"))
    );
}

#[test]
fn a_server_that_ignores_stream_true_still_gets_its_answer_printed() {
    // Some OpenAI-compatible gateways answer a streaming request with the whole JSON
    // document (the emulator's `x-mock-ignore-stream`): the text must still be printed.
    let faults = Faults { ignore_stream: true, ..Faults::default() };
    let server = MockServer::builder().faults(faults).start_blocking().unwrap();
    for (command, model) in
        [("chat", "gpt-4o-mini"), ("respond", "gpt-4o-mini"), ("message", "claude-sonnet-4.5")]
    {
        let base = ["--base-url", &server.base_url(), "--api-key", "ng-test", command, "-m", model];
        let (output, waited, stderr) = run(naga().args(base).args(["--no-stream", PROMPT]));
        assert!(output.status.success(), "{command}: {stderr}");
        assert!(waited.starts_with("[naga-mock]"), "{command}: {waited}");
        let (output, streamed, stderr) = run(naga().args(base).arg(PROMPT));
        assert!(output.status.success(), "{command}: {stderr}");
        assert_eq!(streamed, waited, "{command}");
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    // `naga ... | head`: the pipe is closed before the answer is written (it is larger than
    // a pipe's buffer either way), for a streamed answer and for printed results alike.
    for args in [
        &["--emulator", "embed", "one", "two", "three", "four"][..],
        &["--emulator", "models", "--json"],
        &["--emulator", "chat", PROMPT],
    ] {
        let mut child =
            naga().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "{args:?}: {:?} {stderr}", output.status);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    }
}

#[test]
fn a_broken_stderr_does_not_turn_a_success_into_a_panic() {
    // `naga chat ... 2>&1 >/dev/null | true`: the usage line goes to a pipe nobody reads.
    for args in
        [&["--emulator", "chat", PROMPT][..], &["--emulator", "chat", "--no-stream", PROMPT]]
    {
        let mut child =
            naga().args(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status:?}");
    }
}

#[test]
fn chat_sends_images_pdfs_and_audio_typed_from_their_bytes() {
    let dir = std::env::temp_dir().join(format!("naga-cli-attach-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (png, pdf, wav) = (dir.join("a.png"), dir.join("report.pdf"), dir.join("v.wav"));
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    std::fs::write(&pdf, b"%PDF-1.4\n").unwrap();
    std::fs::write(&wav, b"RIFF\x24\0\0\0WAVEfmt ").unwrap();
    let server = MockServer::start_blocking();
    let base = server.base_url();
    let args = ["--base-url", &base, "--api-key", "k", "chat", "--reasoning-effort", "low"];
    let (output, stdout, stderr) = run(naga().args(args).args([
        "--image",
        png.to_str().unwrap(),
        "--image",
        "https://example.com/cat.jpg",
        "--file",
        pdf.to_str().unwrap(),
        "--audio",
        wav.to_str().unwrap(),
        "What is in these?",
    ]));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("[naga-mock]"), "{stdout}");
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(sent["reasoning_effort"], "low");
    assert_eq!(
        sent["messages"][0]["content"],
        serde_json::json!([
            {"type": "text", "text": "What is in these?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAA=="}},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
            {"type": "file", "file": {"filename": "report.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQK"}},
            {"type": "input_audio", "input_audio": {"data": "UklGRiQAAABXQVZFZm10IA==", "format": "wav"}},
        ])
    );
    // A file of another kind is refused before anything is sent.
    let (output, _, stderr) =
        run(naga().args(args).args(["--image", pdf.to_str().unwrap(), "What is this?"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("report.pdf: not a PNG, JPEG, WebP or GIF image"), "{stderr}");
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn respond_and_message_send_attachments_in_their_apis_shapes() {
    let dir = std::env::temp_dir().join(format!("naga-cli-attach2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (gif, pdf) = (dir.join("a.gif"), dir.join("r.pdf"));
    std::fs::write(&gif, b"GIF89a").unwrap();
    std::fs::write(&pdf, b"%PDF-1.4\n").unwrap();
    let server = MockServer::start_blocking();
    let base = server.base_url();
    let files = ["--image", gif.to_str().unwrap(), "--file", pdf.to_str().unwrap()];
    for command in ["respond", "message"] {
        let args = ["--base-url", &base, "--api-key", "k", command, "--reasoning-effort", "high"];
        let (output, stdout, stderr) = run(naga().args(args).args(files).arg("Compare"));
        assert!(output.status.success(), "{command}: {stderr}");
        assert!(stdout.contains("“Compare” (with 1 image and 1 file)"), "{command}: {stdout}");
    }
    let requests = server.requests();
    let body = |i: usize| serde_json::from_slice::<serde_json::Value>(&requests[i].body).unwrap();
    let responses = body(0);
    assert_eq!(responses["reasoning"]["effort"], "high");
    assert_eq!(
        responses["input"][0]["content"],
        serde_json::json!([
            {"type": "input_text", "text": "Compare"},
            {"type": "input_image", "image_url": "data:image/gif;base64,R0lGODlh"},
            {"type": "input_file", "filename": "r.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQK"},
        ])
    );
    let messages = body(1);
    assert_eq!(messages["output_config"]["effort"], "high");
    assert_eq!(
        messages["messages"][0]["content"],
        serde_json::json!([
            {"type": "text", "text": "Compare"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/gif", "data": "R0lGODlh"}},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQK"}},
        ])
    );
    // The Messages API takes no audio: refused before sending.
    let args = ["--base-url", &base, "--api-key", "k", "message", "--audio", pdf.to_str().unwrap()];
    let (output, _, stderr) = run(naga().args(args).arg("Listen"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("the Messages API takes no audio"), "{stderr}");
    assert_eq!(server.requests().len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn serve_tls_prints_an_https_url_and_refuses_a_bad_certificate() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../naga-mock/tests/data/tls");
    let (cert, key) = (format!("{data}/server.pem"), format!("{data}/server.key"));
    let mut child = naga()
        .args(["serve", "--addr", "127.0.0.1:0", "--tls-cert", &cert, "--tls-key", &key])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first.starts_with("https://127.0.0.1:") && first.trim_end().ends_with("/v1"),
        "{first}"
    );
    // A key where the certificate should be: refused before listening.
    let args = ["serve", "--addr", "127.0.0.1:0", "--tls-cert", &key, "--tls-key", &key];
    let (output, _, stderr) = run(naga().args(args));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("cannot serve HTTPS"), "{stderr}");
}

#[test]
fn embed_refuses_an_answer_with_fewer_vectors_than_texts() {
    let one = r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5]}]}"#;
    let server = CannedServer::start(vec![json(200, "", one)]);
    let (output, stdout, stderr) =
        run(naga().args(["--base-url", &server.url, "--api-key", "k", "embed", "a", "b"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, "", "no vector printed for the wrong text");
    assert!(stderr.contains("the answer held 1 vectors for 2 texts"), "{stderr}");
}

#[test]
fn a_failed_speech_leaves_the_file_that_was_there_and_no_part() {
    let dir = std::env::temp_dir().join(format!("naga-cli-speak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kept = dir.join("kept.wav");
    std::fs::write(&kept, "precious").unwrap();
    // The answer breaks off after 8 of the 100 bytes it announced.
    let cut = "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: 100\r\n\r\nRIFF....";
    let server = CannedServer::start(vec![canned::Reply::Raw(cut.to_owned())]);
    let (output, _, stderr) = run(naga()
        .args(["--base-url", &server.url, "--api-key", "k", "speak", "--out"])
        .arg(&kept)
        .arg("x"));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cut after 8 bytes"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "precious");
    assert!(!dir.join("kept.wav.part").exists());
    // A place that cannot be written is found before anything is asked (or paid) for.
    let nowhere = dir.join("missing-dir").join("x.wav");
    let (output, _, stderr) = run(naga()
        .args(["--base-url", &server.url, "--api-key", "k", "speak", "--out"])
        .arg(&nowhere)
        .arg("x"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("cannot write") && stderr.contains("missing-dir"), "{stderr}");
    assert_eq!(server.count(), 1, "no request for the unwritable place");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn values_out_of_range_and_conflicting_flags_are_usage_errors() {
    for args in [
        &["chat", "--temperature", "3", "hi"][..],
        &["chat", "--temperature", "-1", "hi"],
        &["chat", "--max-tokens", "0", "hi"],
        &["embed", "--dimensions", "0", "x"],
        &["--emulator", "--base-url", "http://127.0.0.1:9/v1", "chat", "hi"],
    ] {
        let (output, stdout, stderr) = run(naga().args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains("error:"), "{args:?}: {stderr}");
    }
    // A client flag given to `serve` is a usage error too (exit status 2, as the help says).
    let (output, _, stderr) = run(naga().args(["serve", "--api-key", "k"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("not serve"), "{stderr}");
}

#[test]
fn failures_say_what_to_do_next() {
    // A rate limit asking for longer than the client waits: returned at once, with the wait.
    let faults =
        Faults { status: Some(429), retry_after: Some("3600".into()), ..Faults::default() };
    let (server, output, stderr) = chat_with_faults(faults);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("(the server asks to wait 3600 s)"), "{stderr}");
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
    // A connection that cannot be made names the base URL it was tried at.
    let nowhere = canned::refused_url();
    let (output, _, stderr) =
        run(naga().args(["--base-url", &nowhere, "--api-key", "k", "chat", "hi"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains(&format!("(base URL {nowhere})")), "{stderr}");
}

#[test]
fn data_urls_and_pdf_urls_go_through_every_api() {
    let png = "data:image/png;base64,iVBORw0KGgo=";
    let pdf = "data:application/pdf;base64,JVBERi0xLjQK";
    for command in ["chat", "respond", "message"] {
        let (output, stdout, stderr) = run(naga().args([
            "--emulator",
            command,
            "--no-stream",
            "--image",
            png,
            "--file",
            pdf,
            "Describe both.",
        ]));
        assert!(output.status.success(), "{command}: {stderr}");
        assert!(stdout.starts_with("[naga-mock]"), "{command}: {stdout}");
    }
    for command in ["chat", "respond"] {
        let (output, _, stderr) = run(naga().args([
            "--emulator",
            command,
            "--no-stream",
            "--file",
            "https://example.com/report.pdf",
            "Summarise.",
        ]));
        assert!(output.status.success(), "{command}: {stderr}");
    }
    let (output, _, stderr) =
        run(naga().args(["--emulator", "chat", "--image", "data:image/png,raw", "x"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("must be base64"), "{stderr}");
}

#[test]
fn speech_goes_through_a_link_and_never_touches_a_part_file_of_the_users() {
    let dir = std::env::temp_dir().join(format!("naga-cli-special-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (real, link) = (dir.join("real.wav"), dir.join("link.wav"));
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let users_part = dir.join("link.wav.part");
    std::fs::write(&users_part, "precious").unwrap();
    let (output, _, stderr) =
        run(naga().args(["--emulator", "speak", "--out"]).arg(&link).arg("hi"));
    assert!(output.status.success(), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link was replaced"
    );
    assert!(std::fs::read(&real).unwrap().starts_with(b"RIFF"), "the audio went through the link");
    // A request refused before sending touches no file, the user's own `.part` least of all.
    let (output, _, stderr) = run(naga()
        .args(["--emulator", "speak", "--format", "bogus", "--out"])
        .arg(dir.join("other.wav"))
        .arg("hi"));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(std::fs::read_to_string(&users_part).unwrap(), "precious");
    let parts = std::fs::read_dir(&dir).unwrap().filter_map(Result::ok);
    let left: Vec<_> =
        parts.filter(|e| e.file_name().to_string_lossy().ends_with(".part")).collect();
    assert_eq!(left.len(), 1, "only the user's own part file: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_flag_wins_over_an_unusable_variable_and_a_bad_setting_names_its_source() {
    let (output, _, stderr) = run(naga()
        .env("NAGA_API_KEY", "bad key")
        .env("NAGA_BASE_URL", "not a url")
        .args(["--emulator", "--api-key", "ng-good", "chat", "hi"]));
    assert!(output.status.success(), "{stderr}");
    let (output, _, stderr) =
        run(naga().env("NAGA_BASE_URL", "not a url").args(["--api-key", "k", "chat", "hi"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with("naga: NAGA_BASE_URL is unusable: it "), "{stderr}");
    let (output, _, stderr) = run(naga().args(["--api-key", "a b", "--emulator", "chat", "hi"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with("naga: --api-key is unusable: it "), "{stderr}");
}

#[test]
fn a_password_in_the_base_url_is_not_printed() {
    let url = naga_mock::canned::refused_url().replacen("http://", "http://u:ng-SECRET-PW@", 1);
    let (output, stdout, stderr) = run(naga().args(["--base-url", &url, "models"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("SECRET") && !stdout.contains("SECRET"), "{stderr}");
    assert!(stderr.contains("(base URL http://***@127.0.0.1:"), "{stderr}");
}

#[test]
fn serve_refuses_a_key_no_client_can_send_and_client_flags_are_usage_errors() {
    let (output, _, stderr) =
        run(naga().args(["serve", "--addr", "127.0.0.1:0", "--require-key", "my key"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--require-key is unusable"), "{stderr}");
    let (output, _, stderr) = run(naga().args(["--emulator", "serve"]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
}

#[test]
fn a_stream_that_fails_before_any_text_writes_nothing_to_stdout() {
    let page = "<html><head><title>Bad gateway</title></head></html>";
    let reply = canned::Reply::Raw(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
        page.len()
    ));
    let server = CannedServer::start(vec![reply]);
    let (output, stdout, stderr) =
        run(naga().args(["--base-url", &server.url, "--api-key", "k", "chat", "hi"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, "", "nothing came, nothing is written");
}

/// A 200 chat completion whose one message is `message`, finishing with `finish`.
fn completion_with(message: &str, finish: &str) -> canned::Reply {
    let body = format!(
        r#"{{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{{"index":0,"message":{message},"finish_reason":"{finish}"}}]}}"#
    );
    json(200, "", &body)
}

#[test]
fn a_refusal_is_the_answer_tool_calls_are_listed_and_no_text_at_all_fails() {
    let cases = [
        (r#"{"role":"assistant","content":null,"refusal":"I can't help with that."}"#, "stop"),
        (
            r#"{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]}"#,
            "tool_calls",
        ),
        (r#"{"role":"assistant","content":""}"#, "content_filter"),
    ];
    let mut seen = Vec::new();
    for (message, finish) in cases {
        let server = CannedServer::start(vec![completion_with(message, finish)]);
        let (output, stdout, stderr) = run(naga().args([
            "--base-url",
            &server.url,
            "--api-key",
            "k",
            "chat",
            "--no-stream",
            "hi",
        ]));
        seen.push((output.status.code(), stdout, stderr));
    }
    assert_eq!(
        (seen[0].0, seen[0].1.as_str()),
        (Some(0), "I can't help with that.\n"),
        "{}",
        seen[0].2
    );
    assert_eq!((seen[1].0, seen[1].1.as_str()), (Some(0), ""), "{}", seen[1].2);
    assert!(
        seen[1].2.contains(r#"[tool call call_1: weather({"city":"Paris"})]"#),
        "{}",
        seen[1].2
    );
    assert_eq!((seen[2].0, seen[2].1.as_str()), (Some(1), ""), "{}", seen[2].2);
    assert!(
        seen[2].2.contains("the answer held no text (finish: content_filter)"),
        "{}",
        seen[2].2
    );
}

#[test]
fn the_timeout_flag_bounds_a_stalled_server() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n".to_owned();
    let server =
        CannedServer::start(vec![canned::Reply::Stall(head, std::time::Duration::from_secs(30))]);
    let started = std::time::Instant::now();
    let (output, _, stderr) = run(naga().args([
        "--base-url",
        &server.url,
        "--api-key",
        "k",
        "--timeout",
        "1",
        "chat",
        "hi",
    ]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("idle"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "{:?}", started.elapsed());
    let (output, _, _) = run(naga().args(["--timeout", "0", "--emulator", "chat", "hi"]));
    assert_eq!(output.status.code(), Some(2));
}
