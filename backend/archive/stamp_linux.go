package archive

import (
	"io/fs"
	"syscall"
)

// stampOf is what a read compares before and after: size, mtime and ctime
// (ctime also moves on a write that puts the mtime back). The kernel takes
// them from its coarse clock, so two writes within one tick look alike: the
// same limit as GNU tar's "file changed as we read it".
func stampOf(fi fs.FileInfo) fileStamp {
	s := fileStamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.ctime = st.Ctim.Nano()
	}
	return s
}
