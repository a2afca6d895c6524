//! The `response_format` of a transcription or translation, as OpenAI's audio API takes it
//! (Naga documents only the JSON answer, §3.7; OpenAI-compatible clients send the field, and
//! expect `text` to be plain text): `json` (the default), `text`, `srt`, `vtt` and
//! `verbose_json`. Any other value is a 400, not a JSON answer the client cannot read.

use crate::ordered::Json;

/// One transcript in the format asked for: its content type and bytes.
#[derive(Debug)]
pub(crate) struct Transcript {
    /// `application/json`, or `text/plain; charset=utf-8` for the text formats.
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

/// The formats taken, in the order the 400 names them.
const FORMATS: [&str; 5] = ["json", "text", "srt", "verbose_json", "vtt"];

/// `text` (of `seconds` of audio, `translate`d or not) in `format` (`None`: JSON).
pub(crate) fn render(
    format: Option<&str>,
    text: &str,
    seconds: f64,
    translate: bool,
) -> Result<Transcript, String> {
    let plain = |body: String| Transcript {
        content_type: "text/plain; charset=utf-8",
        body: body.into_bytes(),
    };
    let json = |value: Json| Transcript { content_type: "application/json", body: value.to_vec() };
    Ok(match format.unwrap_or("json") {
        "json" => json(Json::object([("text", text.into())])),
        "text" => plain(format!("{text}\n")),
        "srt" => plain(format!("1\n00:00:00,000 --> {}\n{text}\n\n", stamp(seconds, ','))),
        "vtt" => plain(format!("WEBVTT\n\n00:00:00.000 --> {}\n{text}\n\n", stamp(seconds, '.'))),
        "verbose_json" => json(verbose(text, seconds, translate)),
        other => {
            return Err(format!(
                "`response_format` `{other}` is not one of `{}`",
                FORMATS.join("`, `")
            ));
        }
    })
}

/// OpenAI's `verbose_json`: the text as one segment spanning the audio.
fn verbose(text: &str, seconds: f64, translate: bool) -> Json {
    let segment = Json::object([
        ("id", 0u64.into()),
        ("seek", 0u64.into()),
        ("start", 0.0.into()),
        ("end", seconds.into()),
        ("text", text.into()),
        ("tokens", Json::Array(Vec::new())),
        ("temperature", 0.0.into()),
        ("avg_logprob", (-0.2).into()),
        ("compression_ratio", 1.0.into()),
        ("no_speech_prob", 0.0.into()),
    ]);
    Json::object([
        ("task", if translate { "translate" } else { "transcribe" }.into()),
        ("language", "english".into()),
        ("duration", seconds.into()),
        ("text", text.into()),
        ("segments", Json::Array(vec![segment])),
    ])
}

/// `seconds` as a subtitle time stamp, `HH:MM:SS` then `separator` and milliseconds.
fn stamp(seconds: f64, separator: char) -> String {
    let millis = (seconds.max(0.0) * 1000.0).round() as u64;
    let (hours, minutes) = (millis / 3_600_000, millis / 60_000 % 60);
    let (secs, millis) = (millis / 1000 % 60, millis % 1000);
    format!("{hours:02}:{minutes:02}:{secs:02}{separator}{millis:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(format: &str) -> (String, String) {
        let answer = render(Some(format), "Hi there.", 61.5, false).unwrap();
        (answer.content_type.to_owned(), String::from_utf8(answer.body).unwrap())
    }

    #[test]
    fn every_format_as_openai_writes_it() {
        assert_eq!(text("json"), ("application/json".into(), r#"{"text":"Hi there."}"#.into()));
        let plain = "text/plain; charset=utf-8".to_owned();
        assert_eq!(text("text"), (plain.clone(), "Hi there.\n".into()));
        assert_eq!(
            text("srt"),
            (plain.clone(), "1\n00:00:00,000 --> 00:01:01,500\nHi there.\n\n".into())
        );
        assert_eq!(
            text("vtt"),
            (plain, "WEBVTT\n\n00:00:00.000 --> 00:01:01.500\nHi there.\n\n".into())
        );
        let verbose: serde_json::Value = serde_json::from_str(&text("verbose_json").1).unwrap();
        assert_eq!(verbose["task"], "transcribe");
        assert_eq!(verbose["duration"], 61.5);
        assert_eq!(verbose["segments"][0]["end"], 61.5);
        assert_eq!(verbose["segments"][0]["text"], "Hi there.");
        let default = render(None, "Hi there.", 1.0, true).unwrap();
        assert_eq!(default.body, br#"{"text":"Hi there."}"#);
    }

    #[test]
    fn an_unknown_format_is_refused() {
        let err = render(Some("xml"), "x", 1.0, false).unwrap_err();
        assert_eq!(
            err,
            "`response_format` `xml` is not one of `json`, `text`, `srt`, `verbose_json`, `vtt`"
        );
        assert_eq!(stamp(3_725.004_9, ','), "01:02:05,005");
    }
}
