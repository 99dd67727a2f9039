//go:build !linux

package mounts

func read() ([]Mount, error) { return nil, ErrUnsupported }
