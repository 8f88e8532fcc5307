// stub — being written
