// inode_other.go is the non-Unix stand-in for devIno: only modification
// time and size identify a file version there.

//go:build !unix

package pemcache

import "os"

func devIno(os.FileInfo) (dev, ino uint64) { return 0, 0 }
