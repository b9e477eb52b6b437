package media

import (
	"bytes"
	"encoding/binary"
	"io"
	"unicode/utf16"

	"github.com/jihat/jihat"
)

// Word, Excel and PowerPoint 97-2003 files are OLE compound files (MS-CFB):
// a FAT file system inside the file. mimetype classifies them from the
// first 4 KiB only, and LibreOffice (among others) puts the directory
// further on, so such a file sniffs as generic application/x-ole-storage.
// checkOLE reads the whole directory and decides by the stream names:
// WordDocument, Workbook (or Book), PowerPoint Document. A VBA storage
// (macros) or an EncryptedPackage (a password-protected OOXML file, which
// cannot be inspected) is refused; so is any other compound file (MSI,
// Outlook messages...).

var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

const (
	oleEndOfChain    = 0xFFFFFFFE
	oleHeaderDIFAT   = 109
	oleMaxDirSectors = 4096
)

var oleTypes = []struct{ stream, mime, ext string }{
	{"WordDocument", "application/msword", ".doc"},
	{"Workbook", "application/vnd.ms-excel", ".xls"},
	{"Book", "application/vnd.ms-excel", ".xls"},
	{"PowerPoint Document", "application/vnd.ms-powerpoint", ".ppt"},
}

type cfb struct {
	w          *window
	shift      uint
	sectors    int64 // sectors after the header
	difat      [oleHeaderDIFAT]uint32
	firstDIFAT uint32
}

func checkOLE(r io.ReaderAt, size int64, b *Blob, _ Limits) error {
	names, err := oleNames(r, size)
	if err != nil {
		return corrupt()
	}
	if names["_VBA_PROJECT_CUR"] || names["Macros"] || names["VBA"] || names["_VBA_PROJECT"] {
		return jihat.Errorf(jihat.EINVALID, KeyMacros)
	}
	if names["EncryptedPackage"] {
		return notAllowed()
	}
	for _, t := range oleTypes {
		if names[t.stream] {
			b.MIME, b.Ext = t.mime, t.ext
			return nil
		}
	}
	return notAllowed()
}

// oleNames returns the names of every storage and stream in the directory.
func oleNames(r io.ReaderAt, size int64) (map[string]bool, error) {
	c := &cfb{w: newWindow(r, size)}
	h, err := c.w.bytes(0, 512)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(h[:8], oleSignature) || binary.LittleEndian.Uint16(h[0x1C:]) != 0xFFFE {
		return nil, errFormat
	}
	switch c.shift = uint(binary.LittleEndian.Uint16(h[0x1E:])); c.shift {
	case 9, 12:
	default:
		return nil, errFormat
	}
	c.sectors = size>>c.shift - 1
	firstDir := binary.LittleEndian.Uint32(h[0x30:])
	c.firstDIFAT = binary.LittleEndian.Uint32(h[0x44:])
	for i := range c.difat {
		c.difat[i] = binary.LittleEndian.Uint32(h[0x4C+4*i:])
	}
	names := make(map[string]bool)
	perSector := int64(1) << c.shift / 128
	s := firstDir
	for n := 0; s != oleEndOfChain; n++ {
		if n == oleMaxDirSectors {
			return nil, errFormat
		}
		at, err := c.offset(s)
		if err != nil {
			return nil, err
		}
		for i := int64(0); i < perSector; i++ {
			e, err := c.w.bytes(at+128*i, 128)
			if err != nil {
				return nil, err
			}
			nameLen := int(binary.LittleEndian.Uint16(e[64:]))
			if typ := e[66]; (typ == 1 || typ == 2) && nameLen >= 2 && nameLen <= 64 {
				u := make([]uint16, (nameLen-2)/2)
				for j := range u {
					u[j] = binary.LittleEndian.Uint16(e[2*j:])
				}
				names[string(utf16.Decode(u))] = true
			}
		}
		if s, err = c.next(s); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// offset is where sector s starts in the file.
func (c *cfb) offset(s uint32) (int64, error) {
	if int64(s) >= c.sectors {
		return 0, errFormat
	}
	return (int64(s) + 1) << c.shift, nil
}

func (c *cfb) le32(at int64) (uint32, error) {
	b, err := c.w.bytes(at, 4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// next follows the FAT from sector s.
func (c *cfb) next(s uint32) (uint32, error) {
	perFAT := uint32(1) << c.shift / 4
	fat, err := c.fatSector(s / perFAT)
	if err != nil {
		return 0, err
	}
	at, err := c.offset(fat)
	if err != nil {
		return 0, err
	}
	return c.le32(at + 4*int64(s%perFAT))
}

// fatSector is the number of the i-th FAT sector: from the header's DIFAT,
// then from the DIFAT sector chain.
func (c *cfb) fatSector(i uint32) (uint32, error) {
	if i < oleHeaderDIFAT {
		return c.difat[i], nil
	}
	i -= oleHeaderDIFAT
	per := uint32(1)<<c.shift/4 - 1 // the last entry links the next DIFAT sector
	s := c.firstDIFAT
	for steps := int64(0); steps <= c.sectors; steps++ {
		at, err := c.offset(s)
		if err != nil {
			return 0, err
		}
		if i < per {
			return c.le32(at + 4*int64(i))
		}
		i -= per
		if s, err = c.le32(at + int64(per)*4); err != nil {
			return 0, err
		}
	}
	return 0, errFormat
}
