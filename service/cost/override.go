package cost

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
)

// readOverlay reads a prices file, checks its field names, and makes its
// figures its own (ownProvenance).
func readOverlay(file string) (map[string]any, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if _, err := decodeStrict(raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var over map[string]any
	if err := json.Unmarshal(raw, &over); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return over, ownProvenance(over, file)
}

// decodeStrict decodes a table, refusing a field it does not know.
func decodeStrict(b []byte) (*Table, error) {
	var t Table
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, err
	}
	return &t, nil
}

// ownSource is what a figure from a prices file that names no source says
// it came from, after the file's path.
const ownSource = "your prices file"

// ownProvenance makes every figure in over the file's own before it is
// merged: its source names the file, and its date and verified flag are
// the file's or none, so no figure the user priced keeps the catalogue's
// date or verified flag. A figure without usd would mix the two, so it is
// an error.
func ownProvenance(over map[string]any, file string) error {
	regions, _ := over["regions"].(map[string]any)
	for region, rv := range regions {
		figures, _ := rv.(map[string]any)
		for name, fv := range figures {
			if !perClassFigures[name] {
				if err := ownFigure(fv, file, region+"."+name); err != nil {
					return err
				}
				continue
			}
			classes, _ := fv.(map[string]any)
			for class, cv := range classes {
				if err := ownFigure(cv, file, region+"."+name+"."+class); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func ownFigure(v any, file, where string) error {
	f, ok := v.(map[string]any)
	if !ok {
		return nil // not an object: decoding the table reports it
	}
	if _, ok := f["usd"]; !ok {
		return fmt.Errorf("%s: regions.%s has no usd: a figure in your prices file replaces the catalogue's whole", file, where)
	}
	source, _ := f["source"].(string)
	f["source"] = file + ": " + cmp.Or(source, ownSource)
	if _, ok := f["date"]; !ok {
		f["date"] = ""
	}
	if _, ok := f["verified"]; !ok {
		f["verified"] = false
	}
	return nil
}

// deepMerge overlays over on base, object by object.
func deepMerge(base, over map[string]any) map[string]any {
	for k, v := range over {
		if ov, ok := v.(map[string]any); ok {
			if bv, ok := base[k].(map[string]any); ok {
				base[k] = deepMerge(bv, ov)
				continue
			}
		}
		base[k] = v
	}
	return base
}

// missingFigures names the scalar figures of p that have no source.
func missingFigures(p Prices) []string {
	var out []string
	v, typ := reflect.ValueOf(p), reflect.TypeOf(p)
	for i := range typ.NumField() {
		if price, ok := v.Field(i).Interface().(Price); ok && price.Source == "" {
			out = append(out, typ.Field(i).Tag.Get("json"))
		}
	}
	return out
}
