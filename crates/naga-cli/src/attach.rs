//! `naga chat --image/--file/--audio`: what goes with the prompt, as content parts.

use std::path::Path;

use naga_protocol::ContentPart;

use crate::args::ChatCommandArgs;
use crate::failure::Failure;

/// The parts for every attachment, in the order given per kind (images, files, audio).
pub(crate) fn parts(args: &ChatCommandArgs) -> Result<Vec<ContentPart>, Failure> {
    let images = args.image.iter().map(|image| image_part(image));
    let files = args.file.iter().map(|file| file_part(file));
    let audio = args.audio.iter().map(|path| {
        let bytes = read(path)?;
        ContentPart::audio_bytes(&bytes).map_err(|err| refused(path, &err))
    });
    images.chain(files).chain(audio).collect()
}

/// A URL goes as it is; a file's bytes go inline, typed from the bytes.
fn image_part(image: &str) -> Result<ContentPart, Failure> {
    if is_url(image) || image.starts_with("data:") {
        return Ok(ContentPart::image_url(image));
    }
    let path = Path::new(image);
    ContentPart::image_bytes(&read(path)?).map_err(|err| refused(path, &err))
}

/// An https URL goes as it is (named by its last segment); a file's bytes go inline.
fn file_part(file: &str) -> Result<ContentPart, Failure> {
    if is_url(file) {
        let name =
            file.rsplit('/').next().filter(|name| !name.is_empty()).unwrap_or("document.pdf");
        return Ok(ContentPart::file(name, file));
    }
    let path = Path::new(file);
    let name = path.file_name().map_or_else(|| "document.pdf".into(), |n| n.to_string_lossy());
    ContentPart::pdf_bytes(name, &read(path)?).map_err(|err| refused(path, &err))
}

fn is_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|err| Failure::Other(format!("cannot read {}: {err}", path.display())))
}

/// The file and why it cannot go (its bytes are not a format the API takes).
fn refused(path: &Path, err: &naga_protocol::Error) -> Failure {
    let reason = match err {
        naga_protocol::Error::InvalidRequest { reason, .. } => reason.to_string(),
        other => other.to_string(),
    };
    Failure::Other(format!("{}: {reason}", path.display()))
}
