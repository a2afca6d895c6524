//! `--image`, `--file` and `--audio`: what goes with the prompt, read once and turned into
//! the content parts of whichever API the command uses.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use naga_protocol::{ContentBlock, ContentPart, InputFile, ItemPart};

use crate::args::ChatArgs;
use crate::failure::Failure;
use crate::media::read_file;

/// Where an attachment comes from.
#[derive(Debug)]
pub(crate) enum Source {
    /// A URL, sent as it is.
    Url(String),
    /// A file's bytes, sent inline.
    File(PathBuf, Vec<u8>),
}

/// One attachment.
#[derive(Debug)]
pub(crate) enum Attachment {
    /// `--image`.
    Image(Source),
    /// `--file`: a PDF under its name.
    Pdf(String, Source),
    /// `--audio`: a file's bytes.
    Audio(PathBuf, Vec<u8>),
}

/// Every attachment of the command line, files read (images, then PDFs, then audio).
pub(crate) fn read_all(args: &ChatArgs) -> Result<Vec<Attachment>, Failure> {
    let images = args.image.iter().map(|image| Ok(Attachment::Image(source(image)?)));
    let files = args.file.iter().map(|file| {
        let last =
            file.rsplit(['/', '\\']).next().filter(|n| !n.is_empty() && !file.starts_with("data:"));
        let name = last.unwrap_or("document.pdf");
        Ok(Attachment::Pdf(name.to_owned(), source(file)?))
    });
    let audio = args.audio.iter().map(|path| Ok(Attachment::Audio(path.clone(), read_file(path)?)));
    images.chain(files).chain(audio).collect()
}

/// Chat completions' content part.
pub(crate) fn chat_part(attachment: &Attachment) -> Result<ContentPart, Failure> {
    match attachment {
        Attachment::Image(Source::Url(url)) => Ok(ContentPart::image_url(url)),
        Attachment::Image(Source::File(path, bytes)) => {
            checked(path, ContentPart::image_bytes(bytes))
        }
        Attachment::Pdf(name, Source::Url(url)) => Ok(ContentPart::file(name, url)),
        Attachment::Pdf(name, Source::File(path, bytes)) => {
            checked(path, ContentPart::pdf_bytes(name, bytes))
        }
        Attachment::Audio(path, bytes) => checked(path, ContentPart::audio_bytes(bytes)),
    }
}

/// The Responses API's input part.
pub(crate) fn responses_part(attachment: &Attachment) -> Result<ItemPart, Failure> {
    match attachment {
        Attachment::Image(Source::Url(url)) => Ok(ItemPart::image_url(url, None)),
        Attachment::Image(Source::File(path, bytes)) => {
            checked(path, ItemPart::image_bytes(bytes, None))
        }
        Attachment::Pdf(name, Source::Url(url)) => Ok(ItemPart::InputFile(InputFile {
            filename: Some(name.clone()),
            file_data: None,
            file_url: Some(url.clone()),
            file_id: None,
        })),
        Attachment::Pdf(name, Source::File(path, bytes)) => {
            checked(path, ItemPart::pdf_bytes(name, bytes))
        }
        Attachment::Audio(path, bytes) => checked(path, ItemPart::audio_bytes(bytes)),
    }
}

/// The Messages API's content block (images and PDFs from files; images by URL).
pub(crate) fn messages_block(attachment: &Attachment) -> Result<ContentBlock, Failure> {
    match attachment {
        Attachment::Image(Source::Url(url)) => Ok(ContentBlock::image_url(url)),
        Attachment::Image(Source::File(path, bytes)) => {
            checked(path, ContentBlock::image_bytes(bytes))
        }
        Attachment::Pdf(_, Source::File(path, bytes)) => {
            checked(path, ContentBlock::pdf_bytes(bytes))
        }
        Attachment::Pdf(_, Source::Url(url)) => {
            Err(Failure::Other(format!("{url}: through the Messages API, give the PDF as a file")))
        }
        Attachment::Audio(path, _) => {
            Err(Failure::Other(format!("{}: the Messages API takes no audio", path.display())))
        }
    }
}

/// An `http(s)` URL is sent as it is; a `data:` URL's bytes, as a file's are, in the form
/// each API takes (its format read from the bytes); anything else is a file.
fn source(text: &str) -> Result<Source, Failure> {
    if ["https://", "http://"].iter().any(|scheme| text.starts_with(scheme)) {
        return Ok(Source::Url(text.to_owned()));
    }
    if let Some(data) = text.strip_prefix("data:") {
        let bytes = data_url_bytes(data).ok_or_else(|| {
            Failure::Other("a data: URL must be base64 (data:TYPE;base64,...)".into())
        })?;
        return Ok(Source::File(PathBuf::from("data: URL"), bytes));
    }
    let path = PathBuf::from(text);
    let bytes = read_file(&path)?;
    Ok(Source::File(path, bytes))
}

/// The bytes of a base64 `data:` URL (what follows `data:`).
fn data_url_bytes(data: &str) -> Option<Vec<u8>> {
    let (header, payload) = data.split_once(',')?;
    header.to_ascii_lowercase().ends_with(";base64").then_some(())?;
    base64::engine::general_purpose::STANDARD.decode(payload.trim()).ok()
}

/// The part, or the file and why it cannot go (its bytes are not a format the API takes).
fn checked<T>(path: &Path, part: Result<T, naga_protocol::Error>) -> Result<T, Failure> {
    part.map_err(|err| {
        let reason = match err {
            naga_protocol::Error::InvalidRequest { reason, .. } => reason.into_owned(),
            other => other.to_string(),
        };
        Failure::Other(format!("{}: {reason}", path.display()))
    })
}
