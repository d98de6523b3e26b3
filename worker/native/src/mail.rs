//! The worker's own mail, natively: SMTP through lettre when `smtp_host` is set, otherwise one
//! complete RFC 5322 `.eml` file per message in `<data_dir>/outbox/` (what `./x run` uses, so
//! the whole flow works on one machine without a mail server: open the file, read the code).
//!
//! Both paths build the same message with lettre. SMTP sending happens on a background task
//! (an SMTP conversation takes round trips the applicant should not wait for); a failure is
//! logged with its code and the applicant can ask for the code again.

use std::path::PathBuf;

use lettre::message::{Mailbox as Address, Message, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};

use inkan_worker_core::{MailError, Mailer, OutgoingMail, Settings, SmtpTls};

/// The native mailer.
#[derive(Clone)]
pub enum NativeMailer {
    /// SMTP.
    Smtp {
        /// The transport (pooled connections).
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// From.
        from: Address,
    },
    /// `.eml` files in a folder.
    Outbox {
        /// The folder (`<data_dir>/outbox`).
        dir: PathBuf,
        /// From.
        from: Address,
    },
}

fn transport_error(detail: impl Into<String>) -> MailError {
    MailError::Transport { detail: detail.into() }
}

fn build(from: &Address, mail: &OutgoingMail) -> Result<Message, MailError> {
    let to: Address = mail.to.parse().map_err(|_| transport_error("recipient address"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone())
        .map_err(|e| transport_error(format!("message: {e}")))
}

impl NativeMailer {
    /// The mailer the settings ask for.
    pub fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        let from: Address = settings.mail_from.parse().map_err(|_| transport_error("mail_from"))?;
        let Some(host) = &settings.smtp_host else {
            let dir = PathBuf::from(&settings.data_dir).join("outbox");
            std::fs::create_dir_all(&dir).map_err(|e| transport_error(e.kind().to_string()))?;
            return Ok(NativeMailer::Outbox { dir, from });
        };
        let builder = match settings.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
        }
        .map_err(|e| transport_error(format!("smtp: {e}")))?;
        let mut builder = builder.port(settings.smtp_port).timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&settings.smtp_username, &settings.smtp_password) {
            builder = builder
                .credentials(lettre::transport::smtp::authentication::Credentials::new(user.clone(), password.clone()));
        }
        Ok(NativeMailer::Smtp { transport: builder.build(), from })
    }

    /// Where `.eml` files go, when that is the route (printed by `./x run`).
    pub fn outbox_dir(&self) -> Option<&std::path::Path> {
        match self {
            NativeMailer::Outbox { dir, .. } => Some(dir),
            NativeMailer::Smtp { .. } => None,
        }
    }
}

impl Mailer for NativeMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        match self {
            NativeMailer::Outbox { dir, from } => {
                let message = build(from, mail)?;
                // The key names the application and the purpose; the file name must not be a
                // path: keep only what an id and a kind are made of.
                let name: String = mail
                    .key
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '.' })
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                let tmp = dir.join(format!(".{name}.tmp"));
                std::fs::write(&tmp, message.formatted()).map_err(|e| transport_error(e.kind().to_string()))?;
                std::fs::rename(&tmp, &path).map_err(|e| transport_error(e.kind().to_string()))?;
                Ok(())
            }
            NativeMailer::Smtp { transport, from } => {
                let message = build(from, mail)?;
                let transport = transport.clone();
                let key = inkan_worker_core::log_ref(&mail.key);
                tokio::spawn(async move {
                    match transport.send(message).await {
                        Ok(_) => tracing::info!(mail = %key, "mail sent"),
                        Err(e) => tracing::warn!(mail = %key, permanent = e.is_permanent(), "mail not sent"),
                    }
                });
                Ok(())
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            NativeMailer::Smtp { .. } => "smtp",
            NativeMailer::Outbox { .. } => "outbox",
        }
    }
}
