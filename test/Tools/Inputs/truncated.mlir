ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32
}
