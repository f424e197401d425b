//go:build !linux

package kubetest

import "syscall"

// sysProcAttr has nothing to set outside Linux: there is no parent-death
// signal, so a test binary that dies without its clean-ups leaves the
// processes running.
func sysProcAttr() *syscall.SysProcAttr {
	return nil
}
