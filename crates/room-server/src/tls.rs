//! `wss://`: a rustls acceptor from PEM certificate and key files.

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

use crate::config::TlsFiles;
use crate::error::ServerError;

/// # Errors
/// [`ServerError::Tls`] when a file is missing, holds no certificate or key, or rustls refuses them.
pub fn acceptor(files: &TlsFiles) -> Result<TlsAcceptor, ServerError> {
    let tls = |what: &str, e: &dyn std::fmt::Display| ServerError::Tls(format!("{what}: {e}"));
    let cert_file = File::open(&files.cert)
        .map_err(|e| tls(&format!("cannot open {}", files.cert.display()), &e))?;
    let certs = rustls_pemfile::certs(&mut BufReader::new(cert_file))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tls("bad certificate PEM", &e))?;
    if certs.is_empty() {
        return Err(ServerError::Tls(format!(
            "no certificate in {}",
            files.cert.display()
        )));
    }
    let key_file = File::open(&files.key)
        .map_err(|e| tls(&format!("cannot open {}", files.key.display()), &e))?;
    let key = rustls_pemfile::private_key(&mut BufReader::new(key_file))
        .map_err(|e| tls("bad key PEM", &e))?
        .ok_or_else(|| ServerError::Tls(format!("no private key in {}", files.key.display())))?;
    let config = ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| tls("protocol versions", &e))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| tls("certificate and key do not fit", &e))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
