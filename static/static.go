// Package static embeds the console's assets: vendored htmx, the stylesheet
// and a small script for copy buttons.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed htmx.min.js app.css app.js candidate.js favicon.svg
var files embed.FS

// Asset is one embedded file with a content hash for cache busting.
type Asset struct {
	Name    string
	Body    []byte
	Version string // first 12 hex digits of the SHA-256 of Body
}

// Assets returns every embedded file, hashed once by the caller at start-up.
func Assets() (map[string]Asset, error) {
	out := map[string]Asset{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		out[path] = Asset{Name: path, Body: body, Version: hex.EncodeToString(sum[:6])}
		return nil
	})
	return out, err
}
