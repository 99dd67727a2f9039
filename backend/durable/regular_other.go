//go:build !unix

package durable

const openNonBlocking = 0
