//go:build !linux

package chserver

// stageData puts INSERT data in a temporary file the engine reads with FROM
// INFILE (memfd is Linux-only). The returned function removes it.
func stageData(data []byte) (string, func(), error) { return stageTempFile(data) }
