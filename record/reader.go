// Reader: record framing that picks up the next record's header together
// with the current record's body, so streaming costs one read per record.
package record

import "io"

// Reader frames whole records from a transport, like ReadRecord. After an
// application_data record it asks the transport for up to HeaderLen more
// bytes than the body needs: when the peer is streaming, the next header
// arrives in the same read call, halving read system calls. It never reads
// past the header of the next record, and never reads ahead after any other
// record type, so the bytes after a close_notify (a downgrade to plain TCP)
// stay in the transport. A Reader is not safe for concurrent use.
type Reader struct {
	hdr  [HeaderLen]byte
	have int // bytes of the next header already read into hdr
}

// ReadRecord reads one whole record; see the package function ReadRecord
// for the buffer and error conventions.
func (rd *Reader) ReadRecord(r io.Reader) ([]byte, error) {
	if rd.have < HeaderLen {
		if _, err := io.ReadFull(r, rd.hdr[rd.have:]); err != nil {
			if err == io.EOF && rd.have > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	rd.have = 0
	typ, _, n, aerr := ParseHeader(rd.hdr[:])
	if aerr != nil {
		return nil, aerr
	}
	buf := GetBuffer()
	copy(buf, rd.hdr[:])
	room := n
	if typ == TypeApplicationData {
		room += HeaderLen // BufferSize leaves that much slack
	}
	got, err := io.ReadAtLeast(r, buf[HeaderLen:HeaderLen+room], n)
	if err != nil {
		PutBuffer(buf)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	rd.have = copy(rd.hdr[:], buf[HeaderLen+n:HeaderLen+got])
	return buf[:HeaderLen+n], nil
}
