package cost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
)

// LoadTableWith reads the embedded table and, when pricesFile is set,
// overlays it: a JSON file in the table's own schema whose figures replace
// or extend the embedded ones (negotiated rates, a verified figure, a
// region the table does not ship). A misspelt field is an error, and so
// is a region left without a figure the model needs.
func LoadTableWith(pricesFile string) (*Table, error) {
	if pricesFile == "" {
		return LoadTable()
	}
	var base, over map[string]any
	if err := json.Unmarshal(pricesJSON, &base); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(pricesFile)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &over); err != nil {
		return nil, fmt.Errorf("%s: %w", pricesFile, err)
	}
	merged, err := json.Marshal(deepMerge(base, over))
	if err != nil {
		return nil, err
	}
	var t Table
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", pricesFile, err)
	}
	for name, p := range t.Regions {
		if missing := missingFigures(p); len(missing) > 0 {
			return nil, fmt.Errorf("%s: region %s lacks %v", pricesFile, name, missing)
		}
	}
	return &t, nil
}

// NewModelWith reads region from LoadTableWith(pricesFile): the embedded
// table, overlaid with pricesFile when it is set.
func NewModelWith(region, pricesFile string) (*Model, error) {
	t, err := LoadTableWith(pricesFile)
	if err != nil {
		return nil, err
	}
	p, err := t.Region(region)
	if err != nil {
		return nil, err
	}
	return &Model{Region: region, P: p, Hours: t.HoursPerMonth, Pricing: OnDemand}, nil
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
