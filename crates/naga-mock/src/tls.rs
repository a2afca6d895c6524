//! HTTPS for the emulator: a certificate chain and key given as PEM, ALPN offering HTTP/2 and
//! HTTP/1.1 (as Naga's own endpoint does), the ring provider as everywhere in the workspace.

use std::io;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// The acceptor for a server presenting `cert_chain_pem` (leaf first) with `key_pem`.
pub(crate) fn acceptor(cert_chain_pem: &[u8], key_pem: &[u8]) -> io::Result<TlsAcceptor> {
    let invalid = |what: &str, err: &dyn std::fmt::Display| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {err}"))
    };
    let chain = CertificateDer::pem_slice_iter(cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| invalid("certificate chain PEM", &err))?;
    if chain.is_empty() {
        return Err(invalid("certificate chain PEM", &"no certificate in it"));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|err| invalid("key PEM", &err))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| invalid("TLS versions", &err))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|err| invalid("certificate and key", &err))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
