//! `naga embed`, `naga speak` and `naga transcribe`: the non-chat endpoints from the terminal.

use std::path::Path;

use naga_blocking::Client;
use naga_protocol::{
    EmbeddingRequest, EncodingFormat, FileUpload, SpeechFormat, SpeechRequest, TranscriptionRequest,
};

use crate::args::{EmbedArgs, SpeakArgs, TranscribeArgs};
use crate::chat::print_text;
use crate::failure::Failure;

/// The bytes of the file at `path`; a failure names the file.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|err| Failure::Other(format!("cannot read {}: {err}", path.display())))
}

/// Prints one vector per text, each a JSON array on its own line (sent as base64: a quarter
/// of the bytes).
pub(crate) fn embed(client: &Client, args: &EmbedArgs) -> Result<(), Failure> {
    let mut request = EmbeddingRequest::new(&args.model, args.texts.clone())
        .encoding_format(EncodingFormat::Base64);
    request.dimensions = args.dimensions;
    let vectors = client.send(&request)?.vectors().map_err(Failure::Config)?;
    if vectors.len() != args.texts.len() {
        let (got, asked) = (vectors.len(), args.texts.len());
        return Err(Failure::Other(format!("the answer held {got} vectors for {asked} texts")));
    }
    for vector in vectors {
        let line = serde_json::to_string(&vector)
            .map_err(|err| Failure::Other(format!("cannot print a vector: {err}")))?;
        print_text(&line)?;
    }
    Ok(())
}

/// Writes the spoken text to `--out` (`-`: standard output) as it arrives, in the
/// `--format` asked for, else the one its extension names (WAV when it names none). The
/// audio goes to `<out>.part` first, made before the request (so an unwritable place costs
/// nothing), and takes the name `<out>` only when whole: a failed answer leaves the file
/// that was there, and no part.
pub(crate) fn speak(client: &Client, args: &SpeakArgs) -> Result<(), Failure> {
    let format = match args.format.as_deref() {
        Some(format) => format_named(format),
        None => format_of(&args.out),
    };
    let request = SpeechRequest::new(&args.model, &args.voice, &args.text).response_format(format);
    // Checked before anything is opened: a refused request touches no file.
    request.validate().map_err(Failure::Config)?;
    let cannot_write = |path: &Path, err: std::io::Error| {
        Failure::Other(format!("cannot write {}: {err}", path.display()))
    };
    if args.out.as_os_str() == "-" {
        let written = write_audio(client, &request, &mut std::io::stdout().lock())?;
        note!("naga: wrote {written} bytes to standard output");
        return Ok(());
    }
    let written = if is_special(&args.out) {
        // A FIFO, a device or a symbolic link is written through, never replaced.
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&args.out)
            .map_err(|err| cannot_write(&args.out, err))?;
        write_audio(client, &request, &mut out)?
    } else {
        write_replacing(client, &request, &args.out).map_err(|failure| match failure {
            Failure::Io(err) => cannot_write(&args.out, err),
            other => other,
        })?
    };
    note!("naga: wrote {written} bytes to {}", args.out.display());
    Ok(())
}

/// Whether `path` exists and is not a regular file (a FIFO, a device, a symbolic link).
fn is_special(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| !meta.file_type().is_file())
}

/// Writes the audio to a new file beside `out` (`<out>.<pid>.part`, created new, never an
/// existing one) and renames it into place: a failed answer leaves `out` as it was and no
/// part.
fn write_replacing(client: &Client, request: &SpeechRequest, out: &Path) -> Result<usize, Failure> {
    let mut part_name = out.as_os_str().to_owned();
    part_name.push(format!(".{}.part", std::process::id()));
    let part = std::path::PathBuf::from(part_name);
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&part)?;
    let written = write_audio(client, request, &mut file).and_then(|written| {
        file.sync_all()?;
        std::fs::rename(&part, out)?;
        Ok(written)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    written
}

/// Streams the speech of `request` into `out`; the bytes written.
fn write_audio(
    client: &Client,
    request: &SpeechRequest,
    out: &mut impl std::io::Write,
) -> Result<usize, Failure> {
    let mut written = 0;
    for chunk in client.stream(request)? {
        let chunk = chunk?;
        out.write_all(&chunk).map_err(Failure::Io)?;
        written += chunk.len();
    }
    out.flush().map_err(Failure::Io)?;
    Ok(written)
}

/// The speech format `--format` names, in any case (`ogg` is Opus).
fn format_named(name: &str) -> SpeechFormat {
    match name.to_ascii_lowercase().as_str() {
        "ogg" => SpeechFormat::Opus,
        lower => SpeechFormat::from(lower),
    }
}

/// Prints the text of an audio file (`--translate`: in English).
pub(crate) fn transcribe(client: &Client, args: &TranscribeArgs) -> Result<(), Failure> {
    let data = read_file(&args.file)?;
    let name = file_name(&args.file);
    let file = FileUpload::new(name, data);
    let mut request = if args.translate {
        TranscriptionRequest::translate(&args.model, file)
    } else {
        TranscriptionRequest::transcribe(&args.model, file)
    };
    request.language = args.language.clone();
    print_text(&client.send(&request)?.text)
}

/// The speech format a file name's extension names (WAV for any other).
fn format_of(path: &std::path::Path) -> SpeechFormat {
    let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "mp3" => SpeechFormat::Mp3,
        "opus" | "ogg" => SpeechFormat::Opus,
        "aac" => SpeechFormat::Aac,
        "flac" => SpeechFormat::Flac,
        "pcm" | "raw" => SpeechFormat::Pcm,
        _ => SpeechFormat::Wav,
    }
}

/// The last component of `path` (what servers read the format from).
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "audio".to_owned(), |n| n.to_string_lossy().into_owned())
}
