package guard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// imageSize reads the width and height of a PNG, JPEG or GIF from its
// header, and refuses the header where image.DecodeConfig would: the same
// checks, in the same order, up to the point where DecodeConfig stops
// reading. It replaces DecodeConfig because importing image/png,
// image/jpeg and image/gif links their whole decoders (about 190 kB of
// binary) for the sake of these few bytes.
func imageSize(mime string, data []byte) (width, height int, err error) {
	switch mime {
	case "image/png":
		return pngSize(data)
	case "image/jpeg":
		return jpegSize(data)
	case "image/gif":
		return gifSize(data)
	}
	return 0, 0, fmt.Errorf("no size reader for %s", mime)
}

// errShort is a header cut off before its end.
var errShort = io.ErrUnexpectedEOF

// PNG chunk order, as image/png tracks it.
const (
	pngStart = iota
	pngSeenIHDR
	pngSeenPLTE
	pngSeenTRNS
	pngSeenIDAT
)

func pngSize(b []byte) (int, int, error) {
	const signature = "\x89PNG\r\n\x1a\n"
	if len(b) < len(signature) {
		return 0, 0, errShort
	}
	if string(b[:len(signature)]) != signature {
		return 0, 0, errors.New("png: invalid format: not a PNG file")
	}
	b = b[len(signature):]
	var (
		stage, width, height, depth int
		paletted                    bool
	)
	// DecodeConfig reads chunks until the header, and for a paletted image
	// on until its palette and transparency (or the first image data).
	for stage < pngSeenIHDR || (paletted && stage < pngSeenTRNS) {
		if len(b) < 8 {
			return 0, 0, errShort
		}
		length := binary.BigEndian.Uint32(b)
		kind := string(b[4:8])
		// body is what the chunk needs read; checked marks that the
		// chunk's checksum follows it.
		body, checked := length, true
		switch kind {
		case "IHDR":
			if stage != pngStart {
				return 0, 0, errors.New("png: invalid format: chunk out of order")
			}
			stage = pngSeenIHDR
			if length != 13 {
				return 0, 0, errors.New("png: invalid format: bad IHDR length")
			}
		case "PLTE":
			if stage != pngSeenIHDR {
				return 0, 0, errors.New("png: invalid format: chunk out of order")
			}
			stage = pngSeenPLTE
			n := int(length / 3)
			if length%3 != 0 || n <= 0 || n > 256 || n > 1<<uint(depth) {
				return 0, 0, errors.New("png: invalid format: bad PLTE length")
			}
		case "tRNS":
			// Only a paletted image reads on to here, after its palette.
			if stage != pngSeenPLTE {
				return 0, 0, errors.New("png: invalid format: chunk out of order")
			}
			stage = pngSeenTRNS
			if length > 256 {
				return 0, 0, errors.New("png: invalid format: bad tRNS length")
			}
		case "IDAT":
			if stage < pngSeenIHDR || (stage == pngSeenIHDR && paletted) {
				return 0, 0, errors.New("png: invalid format: chunk out of order")
			}
			stage = pngSeenIDAT
			body, checked = 0, false // DecodeConfig stops before the image data
		case "IEND":
			return 0, 0, errors.New("png: invalid format: chunk out of order")
		default:
			if length > 0x7fffffff {
				return 0, 0, fmt.Errorf("png: invalid format: Bad chunk length: %d", length)
			}
		}
		if !checked {
			break
		}
		if uint64(len(b)-8) < uint64(body) {
			return 0, 0, errShort
		}
		data := b[8 : 8+body]
		if kind == "IHDR" {
			var err error
			if width, height, depth, paletted, err = pngHeader(data); err != nil {
				return 0, 0, err
			}
		}
		rest := b[8+body:]
		if len(rest) < 4 {
			return 0, 0, errShort
		}
		if binary.BigEndian.Uint32(rest) != crc32.ChecksumIEEE(b[4:8+body]) {
			return 0, 0, errors.New("png: invalid format: invalid checksum")
		}
		b = rest[4:]
	}
	return width, height, nil
}

// pngHeader checks the 13 bytes of an IHDR chunk as image/png does.
func pngHeader(h []byte) (width, height, depth int, paletted bool, err error) {
	if h[10] != 0 {
		return 0, 0, 0, false, errors.New("png: unsupported feature: compression method")
	}
	if h[11] != 0 {
		return 0, 0, 0, false, errors.New("png: unsupported feature: filter method")
	}
	if h[12] != 0 && h[12] != 1 {
		return 0, 0, 0, false, errors.New("png: invalid format: invalid interlace method")
	}
	w := int32(binary.BigEndian.Uint32(h[0:4]))
	hh := int32(binary.BigEndian.Uint32(h[4:8]))
	if w <= 0 || hh <= 0 {
		return 0, 0, 0, false, errors.New("png: invalid format: non-positive dimension")
	}
	// Up to 8 bytes a pixel must fit an int, as image/png requires.
	if n := int64(w) * int64(hh); n != (n*8)/8 {
		return 0, 0, 0, false, errors.New("png: unsupported feature: dimension overflow")
	}
	depth, color := int(h[8]), h[9]
	// The color types each bit depth allows: 0 gray, 2 RGB, 3 paletted,
	// 4 gray and alpha, 6 RGBA.
	ok := false
	switch depth {
	case 1, 2, 4:
		ok = color == 0 || color == 3
	case 8:
		ok = color == 0 || color == 2 || color == 3 || color == 4 || color == 6
	case 16:
		ok = color == 0 || color == 2 || color == 4 || color == 6
	}
	if !ok {
		return 0, 0, 0, false, fmt.Errorf("png: unsupported feature: bit depth %d, color type %d", h[8], h[9])
	}
	return int(w), int(hh), depth, color == 3, nil
}

// JPEG markers that jpegSize tells apart.
const (
	jpegSOF0 = 0xc0 // baseline
	jpegSOF1 = 0xc1 // extended sequential
	jpegSOF2 = 0xc2 // progressive
	jpegRST0 = 0xd0
	jpegRST7 = 0xd7
	jpegEOI  = 0xd9
	jpegSOS  = 0xda
	jpegAPP0 = 0xe0
	jpegAPPF = 0xef
	jpegCOM  = 0xfe
)

var errJPEGSubsampling = errors.New("unsupported JPEG feature: luma/chroma subsampling ratio")

// jpegSize walks a JPEG's segments to its frame header as image/jpeg's
// DecodeConfig does: to the frame header in a JFIF file, else on to the
// start of the scan.
func jpegSize(b []byte) (int, int, error) {
	if len(b) < 2 {
		return 0, 0, errShort
	}
	if b[0] != 0xff || b[1] != 0xd8 {
		return 0, 0, errors.New("invalid JPEG format: missing SOI marker")
	}
	pos := 2
	next := func() (byte, bool) {
		if pos >= len(b) {
			return 0, false
		}
		pos++
		return b[pos-1], true
	}
	var (
		jfif          bool
		comps, w, h   int
		skip          = func(n int) bool { pos += n; return pos <= len(b) }
		t0, t1        byte
		ok0, ok1, ok2 bool
	)
	for {
		t0, ok0 = next()
		t1, ok1 = next()
		if !ok0 || !ok1 {
			return 0, 0, errShort
		}
		// Bytes between segments are skipped, as libjpeg and Go do.
		for t0 != 0xff {
			t0 = t1
			if t1, ok2 = next(); !ok2 {
				return 0, 0, errShort
			}
		}
		marker := t1
		if marker == 0 {
			continue
		}
		for marker == 0xff {
			if marker, ok2 = next(); !ok2 {
				return 0, 0, errShort
			}
		}
		if marker == jpegEOI {
			return 0, 0, errors.New("invalid JPEG format: missing SOS marker")
		}
		if jpegRST0 <= marker && marker <= jpegRST7 {
			continue
		}
		if pos+2 > len(b) {
			return 0, 0, errShort
		}
		n := int(b[pos])<<8 + int(b[pos+1]) - 2
		pos += 2
		if n < 0 {
			return 0, 0, errors.New("invalid JPEG format: short segment length")
		}
		switch {
		case marker == jpegSOF0 || marker == jpegSOF1 || marker == jpegSOF2:
			if comps != 0 {
				return 0, 0, errors.New("invalid JPEG format: multiple SOF markers")
			}
			var err error
			if comps, w, h, err = jpegFrame(b[pos:], n); err != nil {
				return 0, 0, err
			}
			pos += n
			if jfif {
				return w, h, nil
			}
		case marker == jpegSOS:
			if comps == 0 {
				return 0, 0, errors.New("invalid JPEG format: missing SOF marker")
			}
			return w, h, nil
		case marker == jpegAPP0 && n >= 5:
			if pos+5 > len(b) {
				return 0, 0, errShort
			}
			jfif = string(b[pos:pos+5]) == "JFIF\x00"
			if !skip(n) {
				return 0, 0, errShort
			}
		case marker == 0xc4 || marker == 0xdb || marker == 0xdd || (jpegAPP0 <= marker && marker <= jpegAPPF) || marker == jpegCOM:
			// Huffman and quantization tables, restart interval,
			// application data and comments: DecodeConfig skips them.
			if !skip(n) {
				return 0, 0, errShort
			}
		case marker < 0xc0:
			return 0, 0, errors.New("invalid JPEG format: unknown marker")
		default:
			return 0, 0, errors.New("unsupported JPEG feature: unknown marker")
		}
	}
}

// jpegFrame checks a frame header of n bytes at the start of b as
// image/jpeg does, and returns its number of components and dimensions.
func jpegFrame(b []byte, n int) (comps, width, height int, err error) {
	switch n {
	case 6 + 3*1, 6 + 3*3, 6 + 3*4:
		comps = (n - 6) / 3
	default:
		return 0, 0, 0, errors.New("unsupported JPEG feature: number of components")
	}
	if len(b) < n {
		return 0, 0, 0, errShort
	}
	if b[0] != 8 {
		return 0, 0, 0, errors.New("unsupported JPEG feature: precision")
	}
	height = int(b[1])<<8 + int(b[2])
	width = int(b[3])<<8 + int(b[4])
	if int(b[5]) != comps {
		return 0, 0, 0, errors.New("invalid JPEG format: SOF has wrong length")
	}
	var ids, hs, vs [4]int
	for i := range comps {
		c := b[6+3*i : 9+3*i]
		ids[i] = int(c[0])
		for j := range i {
			if ids[i] == ids[j] {
				return 0, 0, 0, errors.New("invalid JPEG format: repeated component identifier")
			}
		}
		if c[2] > 3 {
			return 0, 0, 0, errors.New("invalid JPEG format: bad Tq value")
		}
		hv := c[1]
		h, v := int(hv>>4), int(hv&0x0f)
		if h < 1 || 4 < h || v < 1 || 4 < v {
			return 0, 0, 0, errors.New("invalid JPEG format: luma/chroma subsampling ratio")
		}
		if h == 3 || v == 3 {
			return 0, 0, 0, errJPEGSubsampling
		}
		switch comps {
		case 1:
			h, v = 1, 1
		case 3:
			switch i {
			case 0:
				if v == 4 {
					return 0, 0, 0, errJPEGSubsampling
				}
			case 1:
				if hs[0]%h != 0 || vs[0]%v != 0 {
					return 0, 0, 0, errJPEGSubsampling
				}
			case 2:
				if hs[1] != h || vs[1] != v {
					return 0, 0, 0, errJPEGSubsampling
				}
			}
		case 4:
			switch i {
			case 0:
				if hv != 0x11 && hv != 0x22 {
					return 0, 0, 0, errJPEGSubsampling
				}
			case 1, 2:
				if hv != 0x11 {
					return 0, 0, 0, errJPEGSubsampling
				}
			case 3:
				if hs[0] != h || vs[0] != v {
					return 0, 0, 0, errJPEGSubsampling
				}
			}
		}
		hs[i], vs[i] = h, v
	}
	return comps, width, height, nil
}

// gifSize reads a GIF's logical screen, and checks that its global color
// table, if it has one, is all there, as image/gif's DecodeConfig does.
func gifSize(b []byte) (int, int, error) {
	if len(b) < 13 {
		return 0, 0, fmt.Errorf("gif: reading header: %w", errShort)
	}
	if v := string(b[:6]); v != "GIF87a" && v != "GIF89a" {
		return 0, 0, fmt.Errorf("gif: can't recognize format %q", v)
	}
	width := int(b[6]) | int(b[7])<<8
	height := int(b[8]) | int(b[9])<<8
	if fields := b[10]; fields&0x80 != 0 {
		if colors := 1 << (1 + uint(fields&7)); len(b)-13 < 3*colors {
			return 0, 0, fmt.Errorf("gif: reading color table: %w", errShort)
		}
	}
	return width, height, nil
}
