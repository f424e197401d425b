package delivery

// BatchStats reports how many batches the writer applied and how many
// events they held, so that the benchmark can report events per commit.
func (s *Service) BatchStats() (batches, events int64) {
	return s.w.batches.Load(), s.w.events.Load()
}
