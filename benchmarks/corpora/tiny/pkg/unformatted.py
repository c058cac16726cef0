x = {  'a':1 }



def f( y ):
  return y
