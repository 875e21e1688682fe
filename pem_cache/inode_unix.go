// inode_unix.go reads the device and inode numbers of a file on Unix, so a
// file replaced by rename (same size, same mtime) is still seen as changed.

//go:build unix

package pemcache

import (
	"os"
	"syscall"
)

func devIno(fi os.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), uint64(st.Ino) //nolint:unconvert // types differ per OS
	}
	return 0, 0
}
