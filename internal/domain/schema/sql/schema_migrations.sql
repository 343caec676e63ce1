    Version UInt32,
    Name String,
    AppliedAt DateTime64(3),
    AppliedBy String
