// Alert messages as values: parsing and marshaling (RFC 5246 §7.2).
package record

// ParseAlert decodes an alert record's plaintext. It must be exactly two
// bytes (level, description) and the level must be warning or fatal; anything
// else is a decode_error. Unknown descriptions are returned as they are.
func ParseAlert(b []byte) (AlertLevel, AlertDescription, *AlertError) {
	if len(b) != 2 {
		return 0, 0, Fatal(AlertDecodeError, "alert is not 2 bytes")
	}
	l, d := AlertLevel(b[0]), AlertDescription(b[1])
	if l != LevelWarning && l != LevelFatal {
		return 0, 0, Fatal(AlertDecodeError, "unknown alert level")
	}
	return l, d, nil
}

// MarshalAlert encodes an alert as its two-byte plaintext.
func MarshalAlert(l AlertLevel, d AlertDescription) []byte {
	return []byte{byte(l), byte(d)}
}

// AppendAlert appends the two-byte plaintext of an alert to dst.
func AppendAlert(dst []byte, l AlertLevel, d AlertDescription) []byte {
	return append(dst, byte(l), byte(d))
}

// String returns the Erlang name of the level (warning, fatal).
func (l AlertLevel) String() string {
	switch l {
	case LevelWarning:
		return "warning"
	case LevelFatal:
		return "fatal"
	}
	return "unknown_level"
}
