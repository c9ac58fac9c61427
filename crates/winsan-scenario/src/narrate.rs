//! The narrative of `winsan explain`.
