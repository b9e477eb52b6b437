package media

// fragment reads the boxes of a movie fragment's track (traf): tfhd names
// the track and may set a default sample duration, tfdt gives the decode
// time of its first sample, and each trun adds its samples' durations.
func (st *mp4State) fragment(typ string, data, end int64, version byte) error {
	head, err := st.w.be32(data)
	if err != nil {
		return err
	}
	flags := head & 0xFFFFFF
	switch typ {
	case "tfhd":
		id, err := st.w.be32(data + 4)
		if err != nil {
			return err
		}
		st.traf = st.track(id)
		st.trafDef = 0
		if st.traf != nil {
			st.trafDef = st.traf.defaultDur
		}
		at := data + 8
		if flags&0x01 != 0 { // base-data-offset
			at += 8
		}
		if flags&0x02 != 0 { // sample-description-index
			at += 4
		}
		if flags&0x08 != 0 { // default-sample-duration
			d, err := st.w.be32(at)
			if err != nil {
				return err
			}
			st.trafDef = d
		}
	case "tfdt":
		var base uint64
		if err := st.read(data+4, version, &base); err != nil {
			return err
		}
		st.trafBase, st.hasBase = float64(base), true
	case "trun":
		count, err := st.w.be32(data + 4)
		if err != nil {
			return err
		}
		at := data + 8
		if flags&0x01 != 0 { // data-offset
			at += 4
		}
		if flags&0x04 != 0 { // first-sample-flags
			at += 4
		}
		if flags&0x100 == 0 { // every sample lasts the default duration
			st.trafSum += float64(count) * float64(st.trafDef)
			return nil
		}
		stride := trunStride(flags)
		if at > end || int64(count) > (end-at)/stride {
			return errFormat
		}
		for i := int64(0); i < int64(count); i++ {
			d, err := st.w.be32(at + i*stride)
			if err != nil {
				return err
			}
			st.trafSum += float64(d)
		}
	}
	return nil
}

// result picks the first sound track and its duration.
func (st *mp4State) result() (container, error) {
	var audio *mp4Track
	tracks := make([]track, 0, len(st.tracks))
	for _, t := range st.tracks {
		tracks = append(tracks, track{kind: t.kind, codec: t.codec})
		if audio == nil && t.kind == trackAudio {
			audio = t
		}
	}
	if audio == nil {
		if len(st.tracks) > 0 {
			return container{}, errUnsupported // video only, or text
		}
		return container{}, errFormat
	}
	var (
		d   float64
		per float64
	)
	switch {
	case st.moofs > 0 && audio.fragEnd > 0:
		d, per = audio.fragEnd, float64(audio.timescale)
	case audio.duration > 0:
		d, per = float64(audio.duration), float64(audio.timescale)
	case st.mvhdDur > 0:
		d, per = float64(st.mvhdDur), float64(st.mvhdScale)
	default:
		d, per = float64(st.mehd), float64(st.mvhdScale)
	}
	if d <= 0 {
		return container{}, errFormat
	}
	dur, err := seconds(d, per)
	if err != nil {
		return container{}, err
	}
	return container{duration: dur, tracks: tracks}, nil
}
