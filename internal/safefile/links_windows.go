package safefile

import (
	"io/fs"
	"syscall"
)

// links returns the number of hard links of the file at path, which info
// describes (os.Stat): Windows counts them in the file's handle
// information, not in what os.Stat returns. 1 when it cannot tell.
func links(path string, _ fs.FileInfo) uint64 {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return 1
	}
	h, err := syscall.CreateFile(p, 0, syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE,
		nil, syscall.OPEN_EXISTING, syscall.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return 1
	}
	defer func() { _ = syscall.CloseHandle(h) }()
	var d syscall.ByHandleFileInformation
	if syscall.GetFileInformationByHandle(h, &d) != nil {
		return 1
	}
	return uint64(d.NumberOfLinks)
}
