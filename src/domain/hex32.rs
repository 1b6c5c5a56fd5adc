//! 32-byte values written as 64 lowercase hexadecimal characters: the
//! attachment hashes (`report_blake3`, `photo_blake3`, `form_blake3`), the
//! commitments (`name_commit`, `plot_commit`) and the salts of disclosures
//! (spec §6). One spelling for all of them, one parser: [`parse`].
//!
//! [`hex32_type!`](crate::hex32_type) declares a newtype over the bytes whose
//! serde form is that text; a text that is not one gives an error starting
//! with [`BAD_HASH`], from which the statement parser picks `bad_hash`.

/// The spelling of a 32-byte value, as a regular expression (whole match).
pub const HEX32_PATTERN: &str = "[0-9a-f]{64}";

/// Text of the error a value not written as 64 lowercase hex characters
/// gives (maps to `bad_hash`).
pub const BAD_HASH: &str = "a hash or commitment must be 64 lowercase hex characters";

/// The 32 bytes `s` spells, if it is exactly 64 lowercase hex characters.
pub fn parse(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        *o = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// The 64 lowercase hex characters of `bytes`.
pub fn encode(bytes: &[u8; 32]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Declares a newtype over 32 bytes whose text (serde, `Display`,
/// `FromStr`) is 64 lowercase hex characters.
#[macro_export]
macro_rules! hex32_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            /// The value `s` spells, if it is 64 lowercase hex characters.
            pub fn parse(s: &str) -> Option<Self> {
                $crate::domain::hex32::parse(s).map(Self)
            }

            /// The bytes.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::domain::hex32::encode(&self.0))
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s).ok_or_else(|| format!("{} (got {s:?})", $crate::domain::hex32::BAD_HASH))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lowercase_hex_of_64_characters_parses_and_round_trips() {
        let text = "00ff10a0".repeat(8);
        let bytes = parse(&text).expect("parses");
        assert_eq!(bytes[1], 0xff);
        assert_eq!(encode(&bytes), text);
        assert_eq!(parse(&text.to_uppercase()), None);
        assert_eq!(parse(&text[..62]), None);
        assert_eq!(parse(&format!("{text}00")), None);
        assert_eq!(parse(&text.replace('f', "g")), None);
    }
}
