//! The rustls client configuration for `wss://`: the system's root certificates plus an
//! optional extra CA (a LAN server with a self-signed certificate).

use std::sync::Arc;

use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto};

use crate::config::TlsOptions;
use crate::error::ClientError;

/// Builds the TLS config once per client.
///
/// # Errors
/// [`ClientError::CaCertificate`] when the extra CA file cannot be read or holds no
/// certificate; [`ClientError::Tls`] when no root at all can be trusted or rustls refuses.
pub(crate) fn client_config(options: &TlsOptions) -> Result<Arc<ClientConfig>, ClientError> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    if !native.errors.is_empty() {
        tracing::debug!(errors = ?native.errors, "some system certificates could not be loaded");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "system root certificates");

    if let Some(path) = &options.extra_ca_pem {
        let bad = |reason: String| ClientError::CaCertificate {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("not a PEM certificate file: {e}")))?;
        if certs.is_empty() {
            return Err(bad("no certificate in it".to_owned()));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| bad(format!("unusable certificate: {e}")))?;
        }
    }
    if roots.is_empty() {
        return Err(ClientError::Tls(
            "no trusted certificates: the system has none; pass the server's CA".to_owned(),
        ));
    }
    let config = ClientConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
