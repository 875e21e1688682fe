// Record framing: header parsing, whole-record reads and pooled record buffers.
package record

import (
	"io"
	"sync"
)

// BufferSize is the capacity of buffers from GetBuffer: one maximal record
// with its header plus slack, so a sealed maximal fragment also fits.
const BufferSize = MaxRecordWithHdr + 256

// ParseHeader checks a 5-byte record header (RFC 5246 §6.2.1): the content
// type must be known (else unexpected_message), the major version must be 3
// (else protocol_version) and the length at most MaxCiphertext (else
// record_overflow, RFC 5246 §6.2.3). A header shorter than HeaderLen is a
// decode_error. The minor version is not compared with the negotiated one:
// that is the caller's job, since it depends on the handshake state.
func ParseHeader(h []byte) (typ ContentType, v Version, length int, err *AlertError) {
	if len(h) < HeaderLen {
		return 0, 0, 0, Fatal(AlertDecodeError, "short record header")
	}
	typ = ContentType(h[0])
	switch typ {
	case TypeChangeCipherSpec, TypeAlert, TypeHandshake, TypeApplicationData:
	default:
		return 0, 0, 0, Fatal(AlertUnexpectedMessage, "unknown record content type")
	}
	v = Version(h[1])<<8 | Version(h[2])
	if h[1] != 3 {
		return 0, 0, 0, Fatal(AlertProtocolVersion, "record major version is not 3")
	}
	length = int(h[3])<<8 | int(h[4])
	if length > MaxCiphertext {
		return 0, 0, 0, Fatal(AlertRecordOverflow, "record longer than 2^14+2048")
	}
	return typ, v, length, nil
}

// ReadRecord reads one whole record from r: the header into hdr, then the
// body into a buffer from GetBuffer. It returns the record (header and body)
// as a prefix of that buffer; give it back with PutBuffer when done. I/O
// errors are returned as they come (io.EOF only when no byte of the header
// was read, io.ErrUnexpectedEOF for a cut record); a bad header gives an
// *AlertError.
func ReadRecord(r io.Reader, hdr *[HeaderLen]byte) (rec []byte, err error) {
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	_, _, n, aerr := ParseHeader(hdr[:])
	if aerr != nil {
		return nil, aerr
	}
	buf := GetBuffer()
	copy(buf, hdr[:])
	if _, err := io.ReadFull(r, buf[HeaderLen:HeaderLen+n]); err != nil {
		PutBuffer(buf)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf[:HeaderLen+n], nil
}

// bufPool holds *[BufferSize]byte so that Get and Put do not allocate.
var bufPool = sync.Pool{New: func() any { return new([BufferSize]byte) }}

// GetBuffer returns a pooled buffer of length and capacity BufferSize
// (>= MaxRecordWithHdr + 256). Its contents are undefined.
func GetBuffer() []byte {
	return bufPool.Get().(*[BufferSize]byte)[:]
}

// PutBuffer returns a buffer obtained from GetBuffer (or any prefix of it,
// such as a record from ReadRecord) to the pool. Buffers with a smaller
// capacity are dropped. b must not be used afterwards.
func PutBuffer(b []byte) {
	if cap(b) < BufferSize {
		return
	}
	bufPool.Put((*[BufferSize]byte)(b[:BufferSize]))
}
