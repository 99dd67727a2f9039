//go:build unix

package durable

import "syscall"

// openNonBlocking makes open(2) return at once on a named pipe with no writer.
const openNonBlocking = syscall.O_NONBLOCK
