//! Evidence of identity: a still of the ID taken on the call, or documents the member uploads.
//! The file's type is read from its bytes, never from the name or the header the client sent.

use serde::Serialize;

/// Large enough for a phone photo of a document, small enough to hold in memory per request.
pub const MAX_EVIDENCE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A still of the ID the member held to the webcam, captured by the agent.
    IdCapture,
    IdFront,
    IdBack,
    Selfie,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 4] = [
        EvidenceKind::IdCapture,
        EvidenceKind::IdFront,
        EvidenceKind::IdBack,
        EvidenceKind::Selfie,
    ];
    /// What a member may upload as documents.
    pub const DOCUMENTS: [EvidenceKind; 3] = [
        EvidenceKind::IdFront,
        EvidenceKind::IdBack,
        EvidenceKind::Selfie,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::IdCapture => "id_capture",
            EvidenceKind::IdFront => "id_front",
            EvidenceKind::IdBack => "id_back",
            EvidenceKind::Selfie => "selfie",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            EvidenceKind::IdCapture => "ID shown on camera",
            EvidenceKind::IdFront => "ID, front",
            EvidenceKind::IdBack => "ID, back",
            EvidenceKind::Selfie => "Selfie",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FileType {
    Jpeg,
    Png,
    Pdf,
}

impl FileType {
    pub const fn content_type(self) -> &'static str {
        match self {
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Pdf => "application/pdf",
        }
    }

    pub const fn is_image(self) -> bool {
        matches!(self, FileType::Jpeg | FileType::Png)
    }
}

/// The file's type from its first bytes (its magic number), or `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileType::Png));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>%PDF-"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EvidenceKind::parse("passport"), None);
    }

    proptest! {
        #[test]
        fn sniffing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = sniff(&bytes);
        }
    }
}
