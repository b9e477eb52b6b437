package media

import (
	"encoding/binary"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/jihat/jihat"
)

// checkImage reads the dimensions from the image header with
// image.DecodeConfig (the pixels are not decoded): the file must really be
// the image it starts like, and not larger than lim.MaxImagePixels, so a
// later thumbnailer cannot be bombed. A file cut short (an interrupted
// upload, a crafted one) is refused with image_truncated (imageComplete).
func checkImage(r io.ReaderAt, size int64, b *Blob, lim Limits) error {
	var (
		cfg image.Config
		err error
	)
	sr := io.NewSectionReader(r, 0, size)
	switch b.MIME {
	case "image/png":
		cfg, err = png.DecodeConfig(sr)
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(sr)
	case "image/gif":
		cfg, err = gif.DecodeConfig(sr)
	case "image/webp":
		cfg, err = webpConfig(r, size)
	default:
		return nil
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return corrupt()
	}
	// The header reads fine in a file cut short after it: the end must be
	// there too.
	if !imageComplete(r, size, b.MIME) {
		return jihat.Errorf(jihat.EINVALID, KeyImageTruncated)
	}
	if int64(cfg.Width)*int64(cfg.Height) > lim.MaxImagePixels {
		return jihat.Errorf(jihat.EINVALID, KeyImageTooLarge)
	}
	b.Width, b.Height = cfg.Width, cfg.Height
	return nil
}

// webpConfig reads the canvas size of a WebP file from its first chunk:
// lossy (VP8), lossless (VP8L) or extended (VP8X).
func webpConfig(r io.ReaderAt, size int64) (image.Config, error) {
	var h [30]byte
	if size < int64(len(h)) {
		return image.Config{}, errFormat
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return image.Config{}, err
	}
	if string(h[0:4]) != "RIFF" || string(h[8:12]) != "WEBP" {
		return image.Config{}, errFormat
	}
	le24 := func(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 }
	var c image.Config
	switch string(h[12:16]) {
	case "VP8 ":
		if h[23] != 0x9d || h[24] != 0x01 || h[25] != 0x2a {
			return image.Config{}, errFormat
		}
		c.Width = int(binary.LittleEndian.Uint16(h[26:28]) & 0x3fff)
		c.Height = int(binary.LittleEndian.Uint16(h[28:30]) & 0x3fff)
	case "VP8L":
		if h[20] != 0x2f {
			return image.Config{}, errFormat
		}
		bits := binary.LittleEndian.Uint32(h[21:25])
		c.Width = 1 + int(bits&0x3fff)
		c.Height = 1 + int(bits>>14&0x3fff)
	case "VP8X":
		c.Width = 1 + le24(h[24:27])
		c.Height = 1 + le24(h[27:30])
	default:
		return image.Config{}, errFormat
	}
	return c, nil
}
