//go:build !unix

package main

// lockDatabase cannot lock here; run one serve per database.
func lockDatabase(string) (func(), error) { return func() {}, nil }
